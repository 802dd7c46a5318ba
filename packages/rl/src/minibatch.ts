/**
 * The pieces of an on-policy update that every algorithm shares: a rollout
 * as tensors, shuffled minibatches, and clipped gradients with their norm
 * (the quantity whose decay the convergence rate of arXiv:2202.13863 bounds).
 */
import { clipByGlobalNorm, tf, type Rng } from '@proj/core';
import type { ActorCritic } from './actor_critic.js';
import type { Rollout } from './rollout.js';

/** One minibatch (or the whole rollout) as tensors. */
export interface Minibatch {
  obs: tf.Tensor2D;
  /** [B, actionDim] float (box) or [B] int32 (discrete). */
  actions: tf.Tensor;
  /** log pi_old(a|s). */
  logProbs: tf.Tensor1D;
  advantages: tf.Tensor1D;
  returns: tf.Tensor1D;
}

/** The rollout's arrays as tensors (the caller disposes them with `tf.dispose(Object.values(...))`). */
export function rolloutTensors(r: Rollout, agent: ActorCritic): Minibatch {
  const size = r.numSteps * r.numEnvs;
  return {
    obs: tf.tensor2d(r.observations, [size, agent.observationSize]),
    actions:
      agent.actionSpace.kind === 'box' ? tf.tensor2d(r.actions, [size, agent.actionDim]) : tf.tensor1d(Int32Array.from(r.actions), 'int32'),
    logProbs: tf.tensor1d(r.logProbs),
    advantages: tf.tensor1d(r.advantages),
    returns: tf.tensor1d(r.returns),
  };
}

/**
 * Rows `idx` of `all`; with `normalizeAdvantages` the advantages are
 * standardized within the minibatch (CleanRL's and SB3's PPO default).
 */
export function gatherMinibatch(all: Minibatch, idx: Int32Array, normalizeAdvantages: boolean): Minibatch {
  const i = tf.tensor1d(idx, 'int32');
  const advantages = tf.gather(all.advantages, i);
  const out: Minibatch = {
    obs: tf.gather(all.obs, i),
    actions: tf.gather(all.actions, i),
    logProbs: tf.gather(all.logProbs, i),
    advantages: normalizeAdvantages ? standardize(advantages) : advantages,
    returns: tf.gather(all.returns, i),
  };
  i.dispose();
  if (normalizeAdvantages) advantages.dispose();
  return out;
}

/** (x - mean) / (std + 1e-8). */
export function standardize(x: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x);
    return tf.div(tf.sub(x, mean), tf.add(tf.sqrt(variance), 1e-8));
  });
}

/** A shuffled split of 0..size-1 into chunks of `minibatchSize` (the last chunk may be shorter). */
export function minibatchOrder(size: number, minibatchSize: number, rng: Rng): Int32Array[] {
  if (!Number.isInteger(minibatchSize) || minibatchSize < 1) throw new Error(`minibatchOrder: minibatchSize must be an integer >= 1, got ${minibatchSize}`);
  const perm = rng.permutation(size);
  const out: Int32Array[] = [];
  for (let s = 0; s < size; s += minibatchSize) out.push(perm.subarray(s, Math.min(size, s + minibatchSize)));
  return out;
}

/**
 * Gradients of `f` w.r.t. `vars`, rescaled to global norm <= maxNorm (Pascanu
 * et al. 2013), in the order of `vars`, with the norm before clipping.
 * Call inside tf.tidy.
 */
export function clippedGrads(f: () => tf.Scalar, vars: tf.Variable[], maxNorm: number): { value: tf.Scalar; grads: tf.Tensor[]; norm: tf.Scalar } {
  const { value, grads } = tf.variableGrads(f, vars);
  const { grads: clipped, norm } = clipByGlobalNorm(grads, maxNorm);
  return { value, grads: vars.map((v) => clipped[v.name]), norm };
}

/**
 * Runs `step` on every minibatch of `epochs` shuffled passes over the rollout
 * tensors `all` (each call inside its own tf.tidy), with per-minibatch
 * advantage normalization.
 */
export function forEachMinibatch(all: Minibatch, epochs: number, minibatchSize: number, rng: Rng, step: (mb: Minibatch) => void): void {
  const size = all.advantages.shape[0];
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const idx of minibatchOrder(size, minibatchSize, rng)) tf.tidy(() => step(gatherMinibatch(all, idx, true)));
  }
}

/** Gradients of c_v E[(V(s) - G)^2] / 2 w.r.t. the critic, clipped (A2C, PPO). */
export function criticGrads(agent: ActorCritic, mb: Minibatch, valueCoef: number, maxGradNorm: number): { value: tf.Scalar; grads: tf.Tensor[]; norm: tf.Scalar } {
  return clippedGrads(() => tf.mul(valueCoef, valueLoss(agent, mb.obs, mb.returns)) as tf.Scalar, agent.critic, maxGradNorm);
}

/** Bellman-residual loss of the critic, E[w (V(s) - G)^2] / 2 with optional per-sample weights w (1 when absent). */
export function valueLoss(agent: ActorCritic, obs: tf.Tensor2D, returns: tf.Tensor1D, weights?: tf.Tensor1D): tf.Scalar {
  const sq = tf.square(tf.sub(agent.value(obs), returns));
  return tf.mul(0.5, tf.mean(weights ? tf.mul(weights, sq) : sq)) as tf.Scalar;
}

/** Applies actor and critic gradients with one tfjs optimizer (A2C, PPO) and records losses and norms. */
export function applyActorCritic(
  optimizer: tf.Optimizer,
  agent: ActorCritic,
  actor: { value: tf.Scalar; grads: tf.Tensor[]; norm: tf.Scalar },
  critic: { value: tf.Scalar; grads: tf.Tensor[]; norm: tf.Scalar },
  stats: StatsAccumulator,
): void {
  const named: tf.NamedTensorMap = {};
  agent.actor.forEach((v, i) => (named[v.name] = actor.grads[i]));
  agent.critic.forEach((v, i) => (named[v.name] = critic.grads[i]));
  optimizer.applyGradients(named);
  stats.add('policy_loss', actor.value);
  stats.add('value_loss', critic.value);
  stats.add('actor_grad_norm', actor.norm);
  stats.add('critic_grad_norm', critic.norm);
}

/** An update's stats from its accumulated scalars. */
export function updateStats(stats: StatsAccumulator): UpdateStats {
  const { actor_grad_norm, critic_grad_norm, ...extra } = stats.means();
  return { actorGradNorm: actor_grad_norm, criticGradNorm: critic_grad_norm, extra };
}

/** What an update reports: gradient norms before clipping, averaged over its gradient steps, and the losses. */
export interface UpdateStats {
  actorGradNorm: number;
  criticGradNorm: number;
  /** Algorithm-specific scalars (policy objective, value loss, KL, ...), averaged over gradient steps. */
  extra: Record<string, number>;
}

/** The interface every on-policy algorithm here implements, so that one training loop runs them all. */
export interface OnPolicyAlgorithm {
  readonly name: string;
  /** Steps per environment between updates. */
  readonly rolloutSteps: number;
  /** `progress` in [0, 1) is the share of the step budget spent (for learning-rate annealing). */
  update(rollout: Rollout, progress: number): UpdateStats;
  dispose(): void;
}

/** Running means of named scalars read back once per update (one sync instead of one per step). */
export class StatsAccumulator {
  private readonly sums = new Map<string, tf.Scalar[]>();

  add(name: string, value: tf.Scalar): void {
    const list = this.sums.get(name) ?? [];
    list.push(tf.keep(value));
    this.sums.set(name, list);
  }

  /** Means of everything added; disposes the kept scalars. */
  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, list] of this.sums) {
      const stacked = tf.tidy(() => tf.mean(tf.stack(list)));
      out[name] = stacked.dataSync()[0];
      stacked.dispose();
      tf.dispose(list);
    }
    this.sums.clear();
    return out;
  }
}
