/**
 * Metropolis-Hastings sampling of |psi(x)|^2 with many independent chains
 * (NetKet's `MetropolisSampler`): each chain persists across calls, burns in
 * once, and before each batch of samples discards a few sweeps because the
 * parameters moved. One sweep is n proposals (n = number of sites); one
 * sample is kept per sweep.
 */
import { Rng, toRng } from '@proj/core';
import type { ExchangeRule } from './exchange_rule.js';
import { checkConfig, randomConfig, type Hilbert } from './hilbert.js';
import type { WaveFunction } from './model.js';
import { swapSites } from './operator.js';

export interface MetropolisConfig {
  /** Independent chains (default 16, NetKet's default for CPU). */
  chains?: number;
  /** Sweeps thrown away the first time (default 100). */
  burnIn?: number;
  /** Sweeps thrown away before every later batch (default 5; NetKet discards n_samples/10 per chain). */
  discard?: number;
  /** Proposals per sweep (default: the number of sites). */
  sweepSize?: number;
}

export interface SampleBatch {
  /** samples x n configurations, chain-major: chain c holds rows [c * perChain, (c + 1) * perChain). */
  configs: Int8Array;
  logAbs: Float64Array;
  sign: Float64Array;
  count: number;
  chains: number;
  /** Accepted / proposed moves in this batch (discarded sweeps included). */
  acceptance: number;
}

export class MetropolisSampler {
  readonly chains: number;
  readonly burnIn: number;
  readonly discard: number;
  readonly sweepSize: number;
  private rng: Rng;
  /** chains x n current configurations. */
  private state: Int8Array;
  private burnedIn = false;

  constructor(
    readonly hilbert: Hilbert,
    readonly model: WaveFunction,
    readonly rule: ExchangeRule,
    config: MetropolisConfig = {},
    seed: number | Rng = 0,
  ) {
    this.chains = config.chains ?? 16;
    this.burnIn = config.burnIn ?? 100;
    this.discard = config.discard ?? 5;
    this.sweepSize = config.sweepSize ?? hilbert.n;
    for (const [name, v, min] of [['chains', this.chains, 1], ['burnIn', this.burnIn, 0], ['discard', this.discard, 0], ['sweepSize', this.sweepSize, 1]] as const) {
      if (!Number.isInteger(v) || v < min) throw new Error(`MetropolisSampler: ${name} must be an integer >= ${min}, got ${v}`);
    }
    this.rng = toRng(seed);
    this.state = new Int8Array(this.chains * hilbert.n);
    for (let c = 0; c < this.chains; c++) this.state.set(randomConfig(hilbert, this.rng), c * hilbert.n);
  }

  /** Chain states and rng state, for checkpoints. */
  snapshot(): { configs: Int8Array; rng: number[]; burnedIn: boolean } {
    return { configs: this.state.slice(), rng: this.rng.state(), burnedIn: this.burnedIn };
  }

  restore(s: { configs: Int8Array; rng: readonly number[]; burnedIn: boolean }): void {
    if (s.configs.length !== this.state.length) {
      throw new Error(`MetropolisSampler.restore: expected ${this.state.length} chain entries, got ${s.configs.length}`);
    }
    for (let c = 0; c < this.chains; c++) checkConfig(this.hilbert, s.configs.subarray(c * this.hilbert.n, (c + 1) * this.hilbert.n), `chain ${c}`);
    this.state.set(s.configs);
    this.rng = Rng.fromState(s.rng);
    this.burnedIn = s.burnedIn;
  }

  /** `count` samples (rounded up to a multiple of the number of chains). */
  sample(count: number): SampleBatch {
    if (!Number.isInteger(count) || count < 1) throw new Error(`MetropolisSampler.sample: count must be a positive integer, got ${count}`);
    const n = this.hilbert.n;
    const perChain = Math.ceil(count / this.chains);
    const total = perChain * this.chains;
    const configs = new Int8Array(total * n);
    const logAbs = new Float64Array(total);
    const sign = new Float64Array(total);
    const skip = this.burnedIn ? this.discard : this.burnIn;
    let accepted = 0;
    let proposed = 0;
    for (let c = 0; c < this.chains; c++) {
      const x = this.state.subarray(c * n, (c + 1) * n);
      let cur = this.model.logPsi(x);
      for (let s = 0; s < skip + perChain; s++) {
        for (let m = 0; m < this.sweepSize; m++) {
          const move = this.rule.propose(x, this.rng);
          if (move === null) continue;
          proposed++;
          swapSites(x, move.i, move.j);
          const next = this.model.logPsi(x);
          const logRatio = 2 * (next.logAbs - cur.logAbs) + move.logCorrection;
          if (logRatio >= 0 || this.rng.uniform() < Math.exp(logRatio)) {
            cur = next;
            accepted++;
          } else {
            swapSites(x, move.i, move.j);
          }
        }
        if (s >= skip) {
          const row = c * perChain + s - skip;
          configs.set(x, row * n);
          logAbs[row] = cur.logAbs;
          sign[row] = cur.sign;
        }
      }
    }
    this.burnedIn = true;
    return { configs, logAbs, sign, count: total, chains: this.chains, acceptance: proposed > 0 ? accepted / proposed : 0 };
  }
}
