/**
 * Collects on-policy experience: T steps of N environments run by the current
 * policy, continuing the trajectories of the previous call (Markovian
 * sampling, no resets between updates). Every algorithm of this package
 * learns from the same collector, so PDAC, A2C and PPO see data gathered the
 * same way.
 */
import { toRng, type Rng } from '@proj/core';
import { greedyActions, sampleActions, type ActorCritic } from './actor_critic.js';
import { actionDim, type ActionSpace } from './env.js';
import { gae } from './gae.js';
import { ObservationNormalizer, RewardScaler } from './running_stats.js';
import type { Episode, VectorEnv } from './vector_env.js';

/** T x N transitions, row t holding the N envs of step t, plus GAE advantages and lambda-returns. */
export interface Rollout {
  numSteps: number;
  numEnvs: number;
  /** [T * N * obsSize] normalized observations s_t. */
  observations: Float32Array;
  /** [T * N * actionDim] (box) or [T * N] indices (discrete). */
  actions: Float32Array;
  /** [T * N] log pi_old(a_t | s_t) of the behaviour policy. */
  logProbs: Float32Array;
  /** [T * N] V(s_t) under the critic that collected the data. */
  values: Float32Array;
  /** [T * N] rewards as the learner sees them (scaled if reward normalization is on). */
  rewards: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  /** Episodes that finished during the collection (true, unscaled returns). */
  episodes: Episode[];
}

export interface RolloutCollectorOptions {
  gamma: number;
  /** GAE lambda; 0.95 in CleanRL and SB3's PPO. */
  lambda: number;
  normalizeObservations: boolean;
  normalizeRewards: boolean;
}

export class RolloutCollector {
  readonly observationNormalizer: ObservationNormalizer | null;
  private readonly rewardScaler: RewardScaler | null;
  private readonly rng: Rng;
  private obs: Float64Array;
  /** Environment steps taken so far (summed over the N copies). */
  steps = 0;

  constructor(
    readonly env: VectorEnv,
    readonly options: RolloutCollectorOptions,
    seed: number | Rng,
  ) {
    this.rng = toRng(seed);
    this.observationNormalizer = options.normalizeObservations ? new ObservationNormalizer(env.observationSize) : null;
    this.rewardScaler = options.normalizeRewards ? new RewardScaler(env.numEnvs, options.gamma) : null;
    this.obs = env.reset();
  }

  /** What the network sees of raw observations (normalized if enabled; statistics updated unless `update` is false). */
  input(raw: Float64Array, update: boolean): Float32Array {
    if (!this.observationNormalizer) return Float32Array.from(raw);
    return update ? this.observationNormalizer.normalize(raw) : this.observationNormalizer.apply(raw);
  }

  collect(agent: ActorCritic, numSteps: number): Rollout {
    if (!Number.isInteger(numSteps) || numSteps < 1) throw new Error(`RolloutCollector.collect: numSteps must be an integer >= 1, got ${numSteps}`);
    const n = this.env.numEnvs;
    const d = this.env.observationSize;
    const space = this.env.actionSpace;
    const k = space.kind === 'box' ? actionDim(space) : 1;
    const size = numSteps * n;
    const r: Rollout = {
      numSteps,
      numEnvs: n,
      observations: new Float32Array(size * d),
      actions: new Float32Array(size * k),
      logProbs: new Float32Array(size),
      values: new Float32Array(size),
      rewards: new Float32Array(size),
      advantages: new Float32Array(0),
      returns: new Float32Array(0),
      episodes: [],
    };
    const terminated = new Uint8Array(size);
    const truncated = new Uint8Array(size);
    const finalValues = new Float32Array(size);
    const logStd = agent.logStdValues();
    let x = this.input(this.obs, true);
    for (let t = 0; t < numSteps; t++) {
      const out = agent.act(x);
      const { actions, logProbs } = sampleActions(out.head, logStd, space, this.rng);
      r.observations.set(x, t * n * d);
      r.actions.set(actions, t * n * k);
      r.logProbs.set(logProbs, t * n);
      r.values.set(out.values, t * n);
      const step = this.env.step(splitActions(actions, space, n));
      const done = step.terminated.map((v, i) => v | step.truncated[i]);
      const rewards = this.rewardScaler ? this.rewardScaler.scale(step.rewards, done) : step.rewards;
      r.rewards.set(rewards, t * n);
      terminated.set(step.terminated, t * n);
      truncated.set(step.truncated, t * n);
      r.episodes.push(...step.episodes);
      this.bootstrapTruncated(agent, step.finalObservations, step.truncated, step.terminated, finalValues, t * n);
      this.obs = step.observations;
      x = this.input(this.obs, true);
    }
    this.steps += size;
    const lastValues = agent.act(x).values;
    const { advantages, returns } = gae({
      rewards: r.rewards,
      values: r.values,
      terminated,
      truncated,
      finalValues,
      lastValues,
      numEnvs: n,
      gamma: this.options.gamma,
      lambda: this.options.lambda,
    });
    r.advantages = advantages;
    r.returns = returns;
    return r;
  }

  /** V(final observation) for envs cut by the time limit (not for terminal states, whose value is 0). */
  private bootstrapTruncated(
    agent: ActorCritic,
    finals: (Float64Array | undefined)[],
    truncated: Uint8Array,
    terminated: Uint8Array,
    into: Float32Array,
    offset: number,
  ): void {
    const rows = finals.flatMap((f, i) => (f && truncated[i] && !terminated[i] ? [i] : []));
    if (rows.length === 0) return;
    const d = this.env.observationSize;
    const raw = new Float64Array(rows.length * d);
    rows.forEach((i, j) => raw.set(finals[i] as Float64Array, j * d));
    const values = agent.act(this.input(raw, false)).values;
    rows.forEach((i, j) => (into[offset + i] = values[j]));
  }
}

/** Per-env actions for `VectorEnv.step`: indices for discrete spaces, subarrays for boxes. */
export function splitActions(actions: Float32Array, space: ActionSpace, n: number): (number | Float32Array)[] {
  if (space.kind === 'discrete') return Array.from(actions);
  const k = actionDim(space);
  return Array.from({ length: n }, (_, i) => actions.subarray(i * k, (i + 1) * k));
}

/** Deterministic actions (mean or arg-max) for a batch of network inputs. */
export function policyActions(agent: ActorCritic, x: Float32Array): Float32Array {
  return greedyActions(agent.act(x).head, agent.actionSpace);
}
