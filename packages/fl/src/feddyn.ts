/**
 * FedDyn (Acar et al. 2021, arXiv:2111.04263): each client k keeps h_k, the
 * sum of its past drifts w_k - w_global, and minimizes
 *   f_k(w) + alpha_k <h_k, w> + alpha_k/2 ||w - w_global||^2
 * (the paper's -<grad L_k, w> with grad L_k = -alpha h_k), then adds its new
 * drift to h_k. The server sets w_global = mean_k w_k + mean over all N
 * clients of h_k, the dynamic correction that makes stationary points of
 * the local problems agree with those of the global one.
 *
 * As in the official code (alpaemreacar/FedDyn), alpha_k = alpha / (n_k N / n)
 * scales the regularizer down for clients with more data, and the average of
 * the selected clients' parameters is unweighted.
 */
import type { LocalObjective } from './local_objective.js';
import type { FitResult, RoundContext, Strategy } from './strategy.js';

export interface FedDynConfig {
  /** Regularizer weight; 0.01 is the FedDyn/FedFTG code's default (`--coef_alpha`). */
  alpha: number;
}

export class FedDyn implements Strategy {
  readonly name = 'feddyn';
  readonly wireVectors = { down: 1, up: 1 };
  readonly config: FedDynConfig;
  /** h_k per client id (absent: zeros). Lives on the client in a deployment; the simulation keeps it here. */
  readonly drift = new Map<number, Float32Array>();
  /** sum_k h_k over all clients, kept in float64 to avoid re-summing every round. */
  private driftSum: Float64Array | undefined;

  constructor(config: Partial<FedDynConfig> = {}) {
    this.config = { alpha: 0.01, ...config };
    if (!(this.config.alpha > 0) || !Number.isFinite(this.config.alpha)) throw new Error(`FedDyn: alpha must be finite and > 0, got ${this.config.alpha}`);
  }

  /** alpha_k = alpha / (n_k / mean n): the data sizes over the sampled clients stand in for the federation's mean. */
  private clientAlpha(ctx: RoundContext, numExamples: number): number {
    const mean = ctx.clients.reduce((s, c) => s + c.numExamples, 0) / ctx.clients.length;
    return this.config.alpha / (numExamples / mean);
  }

  configureRound(ctx: RoundContext): LocalObjective[] {
    return ctx.clients.map((c) => {
      const a = this.clientAlpha(ctx, c.numExamples);
      const h = this.drift.get(c.id);
      return { proximal: { mu: a, anchor: ctx.global }, ...(h ? { linear: h.map((v) => a * v) } : {}) };
    });
  }

  aggregate(ctx: RoundContext, results: readonly FitResult[]): Float32Array {
    const n = ctx.global.length;
    this.driftSum ??= new Float64Array(n);
    const mean = new Float64Array(n);
    for (const r of results) {
      const h = this.drift.get(r.clientId) ?? new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const d = r.params[i] - ctx.global[i];
        h[i] += d;
        this.driftSum[i] += d;
        mean[i] += r.params[i] / results.length;
      }
      this.drift.set(r.clientId, h);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean[i] + this.driftSum[i] / ctx.numClients;
    return out;
  }
}
