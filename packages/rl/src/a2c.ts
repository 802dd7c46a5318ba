/**
 * A2C, the synchronous advantage actor-critic (Mnih et al. 2016, as
 * Stable-Baselines3's `A2C`): one gradient step on each short rollout,
 * RMSprop, no advantage normalization.
 *
 *   L = -E[log pi(a|s) A] + c_v E[(V - G)^2] / 2 - c_H E[H]
 */
import { tf } from '@proj/core';
import type { ActorCritic } from './actor_critic.js';
import {
  applyActorCritic,
  clippedGrads,
  criticGrads,
  rolloutTensors,
  standardize,
  StatsAccumulator,
  updateStats,
  type OnPolicyAlgorithm,
  type UpdateStats,
} from './minibatch.js';
import type { Rollout } from './rollout.js';

export interface A2cConfig {
  /** Steps per env between updates; SB3's 5. */
  rolloutSteps: number;
  /** Entropy bonus c_H; SB3's 0. */
  entropyCoef: number;
  /** Value loss weight c_v; SB3's 0.5. */
  valueCoef: number;
  /** RMSprop step size; SB3's 7e-4. */
  learningRate: number;
  /** Global-norm gradient clip per network; SB3's 0.5. */
  maxGradNorm: number;
  /** Linear decay of the learning rate to 0 over the budget (on here for all three algorithms, as CleanRL). */
  annealLearningRate: boolean;
  /** Standardize advantages per update; SB3's A2C default false. */
  normalizeAdvantages: boolean;
}

export const A2C_DEFAULTS: A2cConfig = {
  rolloutSteps: 5,
  entropyCoef: 0,
  valueCoef: 0.5,
  learningRate: 7e-4,
  maxGradNorm: 0.5,
  annealLearningRate: true,
  normalizeAdvantages: false,
};

export class A2c implements OnPolicyAlgorithm {
  readonly name = 'a2c';
  readonly config: A2cConfig;
  private readonly optimizer: tf.RMSPropOptimizer;

  constructor(
    readonly agent: ActorCritic,
    config: Partial<A2cConfig>,
  ) {
    this.config = { ...A2C_DEFAULTS, ...config };
    // SB3: RMSprop(alpha = 0.99, eps = 1e-5), no momentum, not centered.
    this.optimizer = tf.train.rmsprop(this.config.learningRate, 0.99, 0, 1e-5, false);
  }

  get rolloutSteps(): number {
    return this.config.rolloutSteps;
  }

  update(rollout: Rollout, progress: number): UpdateStats {
    const c = this.config;
    (this.optimizer as unknown as { learningRate: number }).learningRate = c.annealLearningRate ? c.learningRate * (1 - progress) : c.learningRate;
    const all = rolloutTensors(rollout, this.agent);
    const stats = new StatsAccumulator();
    tf.tidy(() => {
      const adv = c.normalizeAdvantages ? standardize(all.advantages) : all.advantages;
      const actor = clippedGrads(
        () => {
          const { logProb, entropy } = this.agent.logProbEntropy(all.obs, all.actions);
          stats.add('entropy', tf.mean(entropy));
          return tf.neg(tf.add(tf.mean(tf.mul(logProb, adv)), tf.mul(c.entropyCoef, tf.mean(entropy)))) as tf.Scalar;
        },
        this.agent.actor,
        c.maxGradNorm,
      );
      applyActorCritic(this.optimizer, this.agent, actor, criticGrads(this.agent, all, c.valueCoef, c.maxGradNorm), stats);
    });
    tf.dispose(Object.values(all));
    return updateStats(stats);
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
