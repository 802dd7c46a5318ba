/**
 * SCAFFOLD (Karimireddy et al. 2020, arXiv:1910.06378): control variates
 * correct client drift. Client k steps along grad f_k(w) - c_k + c, i.e. the
 * local loss gains the linear term <c - c_k, w>. After K local steps of size
 * eta it sets (option II)
 *   c_k+ = c_k - c + (x - y_k) / (K eta),
 * and the server, with global step 1, sets x <- mean_k y_k and
 * c <- c + (1/N) sum_k (c_k+ - c_k) over the sampled clients.
 */
import type { LocalObjective } from './local_objective.js';
import type { FitResult, RoundContext, Strategy } from './strategy.js';

export class Scaffold implements Strategy {
  readonly name = 'scaffold';
  /** c travels down with x, and the change of c_k up with y_k. */
  readonly wireVectors = { down: 2, up: 2 };
  /** c_k per client id (absent: zeros). Lives on the client in a deployment; the simulation keeps it here. */
  readonly clientControl = new Map<number, Float32Array>();
  /** The server control variate c (absent until the first round: zeros). */
  serverControl: Float32Array | undefined;

  configureRound(ctx: RoundContext): LocalObjective[] {
    const c = this.serverControl ?? new Float32Array(ctx.global.length);
    return ctx.clients.map((client) => {
      const ck = this.clientControl.get(client.id);
      return { linear: ck ? c.map((v, i) => v - ck[i]) : c.slice() };
    });
  }

  aggregate(ctx: RoundContext, results: readonly FitResult[]): Float32Array {
    const n = ctx.global.length;
    const c = this.serverControl ?? new Float32Array(n);
    const x = ctx.global;
    const mean = new Float64Array(n);
    const deltaC = new Float64Array(n);
    for (const r of results) {
      if (!(r.steps > 0) || !(r.lr > 0)) throw new Error(`Scaffold: client ${r.clientId} reported steps ${r.steps} and lr ${r.lr}; both must be > 0`);
      const ck = this.clientControl.get(r.clientId) ?? new Float32Array(n);
      const scale = 1 / (r.steps * r.lr);
      const next = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        next[i] = ck[i] - c[i] + (x[i] - r.params[i]) * scale;
        deltaC[i] += next[i] - ck[i];
        mean[i] += r.params[i] / results.length;
      }
      this.clientControl.set(r.clientId, next);
    }
    const cNew = new Float32Array(n);
    for (let i = 0; i < n; i++) cNew[i] = c[i] + deltaC[i] / ctx.numClients;
    this.serverControl = cNew;
    return Float32Array.from(mean);
  }
}
