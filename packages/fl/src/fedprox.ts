/**
 * FedProx (Li et al. 2020, arXiv:1812.06127): each client minimizes
 * f_k(w) + mu/2 ||w - w_global||^2, which keeps local models near the global
 * one under heterogeneity; the server averages as FedAvg does.
 */
import type { LocalObjective } from './local_objective.js';
import type { FitResult, RoundContext, Strategy } from './strategy.js';
import { weightedAverage } from './weighted_average.js';

export interface FedProxConfig {
  /** Proximal weight; 1e-4 is the FedDyn/FedFTG code's default (`--mu`). */
  mu: number;
}

export class FedProx implements Strategy {
  readonly name = 'fedprox';
  readonly wireVectors = { down: 1, up: 1 };
  readonly config: FedProxConfig;

  constructor(config: Partial<FedProxConfig> = {}) {
    this.config = { mu: 1e-4, ...config };
    if (!(this.config.mu >= 0) || !Number.isFinite(this.config.mu)) throw new Error(`FedProx: mu must be finite and >= 0, got ${this.config.mu}`);
  }

  configureRound(ctx: RoundContext): LocalObjective[] {
    return ctx.clients.map(() => ({ proximal: { mu: this.config.mu, anchor: ctx.global } }));
  }

  aggregate(_ctx: RoundContext, results: readonly FitResult[]): Float32Array {
    return weightedAverage(
      results.map((r) => r.params),
      results.map((r) => r.numExamples),
    );
  }
}
