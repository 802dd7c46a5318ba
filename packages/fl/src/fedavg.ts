/**
 * FedAvg (McMahan et al. 2017, arXiv:1602.05629): clients run plain local
 * SGD; the server averages their parameters weighted by local data size,
 * w <- sum_k (n_k / n) w_k.
 */
import type { LocalObjective } from './local_objective.js';
import type { FitResult, RoundContext, Strategy } from './strategy.js';
import { weightedAverage } from './weighted_average.js';

export class FedAvg implements Strategy {
  readonly name = 'fedavg';
  readonly wireVectors = { down: 1, up: 1 };

  configureRound(ctx: RoundContext): LocalObjective[] {
    return ctx.clients.map(() => ({}));
  }

  aggregate(_ctx: RoundContext, results: readonly FitResult[]): Float32Array {
    return weightedAverage(
      results.map((r) => r.params),
      results.map((r) => r.numExamples),
    );
  }
}
