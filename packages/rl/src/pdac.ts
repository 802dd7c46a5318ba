/**
 * Primal-dual actor-critic (PDAC) after arXiv:2202.13863 (Dong, Shen, Xu &
 * Wang 2022), in the Lagrangian form of Dual-AC (Dai et al., ICLR 2018) that
 * the paper's group builds on. The paper's full text was not reachable: the
 * saddle function below is our reading, documented with every choice in the
 * package README.
 *
 * The Bellman LP's Lagrangian, min over the value V_omega (primal), max over
 * the occupancy dual rho(s, a) = d(s) pi_theta(a|s) (ascent side). With data
 * from the behaviour policy pi_b (the policy that collected the rollout), the
 * dual is the density ratio rho_theta = pi_theta(a|s) / pi_b(a|s), and the
 * regularized saddle problem solved here is
 *
 *   max_theta  J(theta; omega) = E_b[rho_theta A_omega] - E_b[(rho_theta - 1)^2] / (2 tau) + c_H E_b[H(pi_theta)]
 *   min_omega  P(omega; theta) = E_b[sg(rho_theta) (V_omega(s) - G_omega)^2] / 2
 *
 * A_omega is the multi-step (GAE) Bellman residual of V_omega and G_omega =
 * A_omega + V_omega its lambda-return target. The chi^2 term makes J strongly
 * concave in rho (its maximizer is rho* = 1 + tau A), the Polyak-Lojasiewicz
 * condition the paper assumes on the dual; the critic term is Dual-AC's
 * squared-Bellman-residual augmentation, weighted by the dual.
 * Both players take simultaneous stochastic steps (gradient descent-ascent,
 * both gradients at the same point) with the adaptive proximal step of
 * `AdaptiveProximal`, on minibatches of one continuing trajectory per env
 * (Markovian sampling).
 */
import { tf, toRng, type Rng } from '@proj/core';
import { AdaptiveProximal, ADAPTIVE_PROXIMAL_DEFAULTS } from './adaptive_proximal.js';
import type { ActorCritic } from './actor_critic.js';
import {
  clippedGrads,
  forEachMinibatch,
  rolloutTensors,
  StatsAccumulator,
  updateStats,
  valueLoss,
  type Minibatch,
  type OnPolicyAlgorithm,
  type UpdateStats,
} from './minibatch.js';
import type { Rollout } from './rollout.js';

export interface PdacConfig {
  /** Steps per env between updates (same as PPO's for a fair comparison). */
  rolloutSteps: number;
  /** Passes of stochastic GDA over each rollout. */
  epochs: number;
  minibatchSize: number;
  /** Dual regularization tau: the maximizer moves rho to 1 + tau A; 0.2 matches PPO's clip range (our choice). */
  tau: number;
  /** Entropy bonus c_H in J (as PPO's, per environment). */
  entropyCoef: number;
  /** Step size eta of the dual (actor) ascent. */
  actorLearningRate: number;
  /** Step size eta of the primal (critic) descent. */
  criticLearningRate: number;
  /** AdaptiveProximal momentum and metric decay (AMSGrad's 0.9, 0.999). */
  beta1: number;
  beta2: number;
  /** Bound on each player's gradient norm, the G of the paper's rate; 0.5 as CleanRL/SB3 clip. */
  maxGradNorm: number;
  /** Linear decay of both step sizes to 0 over the budget (as the baselines). */
  annealLearningRate: boolean;
}

export const PDAC_DEFAULTS: PdacConfig = {
  rolloutSteps: 128,
  epochs: 4,
  minibatchSize: 128,
  tau: 0.2,
  entropyCoef: 0.01,
  actorLearningRate: 2.5e-4,
  criticLearningRate: 2.5e-4,
  beta1: ADAPTIVE_PROXIMAL_DEFAULTS.beta1,
  beta2: ADAPTIVE_PROXIMAL_DEFAULTS.beta2,
  maxGradNorm: 0.5,
  annealLearningRate: true,
};

/** J(theta; omega) on a minibatch (to be maximized) and the dual rho_theta = pi_theta / pi_b. */
export function dualObjective(agent: ActorCritic, mb: Minibatch, tau: number, entropyCoef: number): { objective: tf.Scalar; rho: tf.Tensor1D; entropy: tf.Scalar } {
  const { logProb, entropy } = agent.logProbEntropy(mb.obs, mb.actions);
  const rho = tf.exp(tf.sub(logProb, mb.logProbs)) as tf.Tensor1D;
  const meanEntropy = tf.mean(entropy) as tf.Scalar;
  const objective = tf.add(
    tf.sub(tf.mean(tf.mul(rho, mb.advantages)), tf.div(tf.mean(tf.square(tf.sub(rho, 1))), 2 * tau)),
    tf.mul(entropyCoef, meanEntropy),
  ) as tf.Scalar;
  return { objective, rho, entropy: meanEntropy };
}

/** P(omega; theta) on a minibatch (to be minimized): the dual-weighted squared Bellman residual. */
export function primalObjective(agent: ActorCritic, mb: Minibatch, rho: tf.Tensor1D): tf.Scalar {
  return valueLoss(agent, mb.obs, mb.returns, rho);
}

export class Pdac implements OnPolicyAlgorithm {
  readonly name = 'pdac';
  readonly config: PdacConfig;
  readonly actorStep: AdaptiveProximal;
  readonly criticStep: AdaptiveProximal;
  private readonly rng: Rng;

  constructor(
    readonly agent: ActorCritic,
    config: Partial<PdacConfig>,
    seed: number | Rng,
  ) {
    this.config = { ...PDAC_DEFAULTS, ...config };
    const c = this.config;
    if (!(c.tau > 0)) throw new Error(`Pdac: tau must be > 0, got ${c.tau}`);
    this.actorStep = new AdaptiveProximal(agent.actor, { learningRate: c.actorLearningRate, beta1: c.beta1, beta2: c.beta2 });
    this.criticStep = new AdaptiveProximal(agent.critic, { learningRate: c.criticLearningRate, beta1: c.beta1, beta2: c.beta2 });
    this.rng = toRng(seed);
  }

  get rolloutSteps(): number {
    return this.config.rolloutSteps;
  }

  update(rollout: Rollout, progress: number): UpdateStats {
    const c = this.config;
    const decay = c.annealLearningRate ? 1 - progress : 1;
    this.actorStep.learningRate = c.actorLearningRate * decay;
    this.criticStep.learningRate = c.criticLearningRate * decay;
    const all = rolloutTensors(rollout, this.agent);
    const stats = new StatsAccumulator();
    forEachMinibatch(all, c.epochs, c.minibatchSize, this.rng, (mb) => {
      let rho: tf.Tensor1D | null = null;
      // Both gradients at the same (theta, omega): simultaneous descent-ascent.
      const dual = clippedGrads(
        () => {
          const j = dualObjective(this.agent, mb, c.tau, c.entropyCoef);
          rho = tf.keep(j.rho);
          stats.add('entropy', j.entropy);
          return j.objective;
        },
        this.agent.actor,
        c.maxGradNorm,
      );
      const rhoFixed = rho as unknown as tf.Tensor1D;
      const primal = clippedGrads(() => primalObjective(this.agent, mb, rhoFixed), this.agent.critic, c.maxGradNorm);
      this.actorStep.step(dual.grads, 'ascent');
      this.criticStep.step(primal.grads, 'descent');
      stats.add('dual_objective', dual.value);
      stats.add('primal_objective', primal.value);
      stats.add('rho_deviation', tf.mean(tf.abs(tf.sub(rhoFixed, 1))) as tf.Scalar);
      stats.add('actor_grad_norm', dual.norm);
      stats.add('critic_grad_norm', primal.norm);
      rhoFixed.dispose();
    });
    tf.dispose(Object.values(all));
    return updateStats(stats);
  }

  dispose(): void {
    this.actorStep.dispose();
    this.criticStep.dispose();
  }
}
