/**
 * PPO with the clipped surrogate (Schulman et al. 2017, eq. 7), CleanRL's
 * `ppo.py` / `ppo_continuous_action.py` reading: E epochs over shuffled
 * minibatches of each rollout, per-minibatch advantage normalization, Adam
 * with eps 1e-5, global-norm clipping, linear learning-rate annealing.
 *
 *   L = -E[min(rho A, clip(rho, 1 - eps, 1 + eps) A)] + c_v E[(V - G)^2] / 2 - c_H E[H]
 */
import { tf, toRng, type Rng } from '@proj/core';
import type { ActorCritic } from './actor_critic.js';
import {
  applyActorCritic,
  clippedGrads,
  criticGrads,
  forEachMinibatch,
  rolloutTensors,
  StatsAccumulator,
  updateStats,
  type OnPolicyAlgorithm,
  type UpdateStats,
} from './minibatch.js';
import type { Rollout } from './rollout.js';

export interface PpoConfig {
  /** Steps per env between updates; CleanRL's 128 (discrete) / 2048 (continuous). */
  rolloutSteps: number;
  /** Passes over each rollout; CleanRL 4 (discrete) / 10 (continuous). */
  epochs: number;
  minibatchSize: number;
  /** Clip range eps; 0.2 (Schulman et al. 2017). */
  clip: number;
  /** Entropy bonus c_H; CleanRL 0.01 (discrete) / 0 (continuous). */
  entropyCoef: number;
  /** Value loss weight c_v; 0.5 (CleanRL, SB3). */
  valueCoef: number;
  /** Adam step size; CleanRL 2.5e-4 (discrete) / 3e-4 (continuous). */
  learningRate: number;
  /** Global-norm gradient clip per network; 0.5 (CleanRL, SB3). */
  maxGradNorm: number;
  /** Linear decay of the learning rate to 0 over the budget (CleanRL's anneal_lr). */
  annealLearningRate: boolean;
}

export const PPO_DEFAULTS: PpoConfig = {
  rolloutSteps: 128,
  epochs: 4,
  minibatchSize: 128,
  clip: 0.2,
  entropyCoef: 0.01,
  valueCoef: 0.5,
  learningRate: 2.5e-4,
  maxGradNorm: 0.5,
  annealLearningRate: true,
};

export class Ppo implements OnPolicyAlgorithm {
  readonly name = 'ppo';
  readonly config: PpoConfig;
  private readonly optimizer: tf.AdamOptimizer;
  private readonly rng: Rng;

  constructor(
    readonly agent: ActorCritic,
    config: Partial<PpoConfig>,
    seed: number | Rng,
  ) {
    this.config = { ...PPO_DEFAULTS, ...config };
    if (!(this.config.clip > 0)) throw new Error(`Ppo: clip must be > 0, got ${this.config.clip}`);
    this.optimizer = tf.train.adam(this.config.learningRate, 0.9, 0.999, 1e-5);
    this.rng = toRng(seed);
  }

  get rolloutSteps(): number {
    return this.config.rolloutSteps;
  }

  update(rollout: Rollout, progress: number): UpdateStats {
    const c = this.config;
    const lr = c.annealLearningRate ? c.learningRate * (1 - progress) : c.learningRate;
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;
    const all = rolloutTensors(rollout, this.agent);
    const stats = new StatsAccumulator();
    forEachMinibatch(all, c.epochs, c.minibatchSize, this.rng, (mb) => {
      const actor = clippedGrads(
        () => {
          const { logProb, entropy } = this.agent.logProbEntropy(mb.obs, mb.actions);
          const logRatio = tf.sub(logProb, mb.logProbs);
          const ratio = tf.exp(logRatio);
          const surrogate = tf.minimum(tf.mul(ratio, mb.advantages), tf.mul(tf.clipByValue(ratio, 1 - c.clip, 1 + c.clip), mb.advantages));
          // Schulman's k3 estimator of KL(old || new), for monitoring only.
          stats.add('approx_kl', tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)));
          stats.add('entropy', tf.mean(entropy));
          return tf.neg(tf.add(tf.mean(surrogate), tf.mul(c.entropyCoef, tf.mean(entropy)))) as tf.Scalar;
        },
        this.agent.actor,
        c.maxGradNorm,
      );
      applyActorCritic(this.optimizer, this.agent, actor, criticGrads(this.agent, mb, c.valueCoef, c.maxGradNorm), stats);
    });
    tf.dispose(Object.values(all));
    return updateStats(stats);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
