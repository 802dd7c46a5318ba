/**
 * N copies of an environment stepped together, with automatic reset (as
 * Stable-Baselines3's VecEnv): when an episode ends, the copy is reset in the
 * same step, the returned observation is the new episode's first one, and
 * the last observation of the old episode is kept in `finalObservations` so
 * that a truncated episode can still be bootstrapped from V(s_T).
 * Sampling is Markovian: the copies run on without being reset between
 * updates, so consecutive batches continue the same trajectories.
 */
import { toRng, type Rng } from '@proj/core';
import type { ActionSpace, Env } from './env.js';

/** A finished episode: its undiscounted return and length. */
export interface Episode {
  ret: number;
  length: number;
}

export interface VectorStep {
  /** [numEnvs * observationSize], row-major; rows of ended episodes hold the next episode's first observation. */
  observations: Float64Array;
  rewards: Float64Array;
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** The last observation of each episode that ended in this step (undefined rows otherwise). */
  finalObservations: (Float64Array | undefined)[];
  /** Episodes that ended in this step. */
  episodes: Episode[];
}

export class VectorEnv {
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  private readonly envs: Env[];
  private readonly rng: Rng;
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;

  /** `make(i)` builds copy i; every copy draws its resets from its own split of `seed`. */
  constructor(make: (i: number) => Env, numEnvs: number, seed: number | Rng) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new Error(`VectorEnv: numEnvs must be an integer >= 1, got ${numEnvs}`);
    this.envs = Array.from({ length: numEnvs }, (_, i) => make(i));
    this.numEnvs = numEnvs;
    this.observationSize = this.envs[0].observationSize;
    this.actionSpace = this.envs[0].actionSpace;
    this.rng = toRng(seed);
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
  }

  reset(): Float64Array {
    const out = new Float64Array(this.numEnvs * this.observationSize);
    this.envs.forEach((env, i) => out.set(env.reset(this.rng), i * this.observationSize));
    this.returns.fill(0);
    this.lengths.fill(0);
    return out;
  }

  /** `actions[i]` is copy i's action: an index (discrete) or a vector (box). */
  step(actions: readonly (number | ArrayLike<number>)[]): VectorStep {
    if (actions.length !== this.numEnvs) {
      throw new Error(`VectorEnv.step: actions must have one entry per env (${this.numEnvs}), got ${actions.length}`);
    }
    const d = this.observationSize;
    const out: VectorStep = {
      observations: new Float64Array(this.numEnvs * d),
      rewards: new Float64Array(this.numEnvs),
      terminated: new Uint8Array(this.numEnvs),
      truncated: new Uint8Array(this.numEnvs),
      finalObservations: new Array(this.numEnvs).fill(undefined),
      episodes: [],
    };
    for (let i = 0; i < this.numEnvs; i++) {
      const r = this.envs[i].step(actions[i]);
      out.rewards[i] = r.reward;
      out.terminated[i] = r.terminated ? 1 : 0;
      out.truncated[i] = r.truncated ? 1 : 0;
      this.returns[i] += r.reward;
      this.lengths[i]++;
      if (r.terminated || r.truncated) {
        out.finalObservations[i] = r.observation;
        out.episodes.push({ ret: this.returns[i], length: this.lengths[i] });
        this.returns[i] = 0;
        this.lengths[i] = 0;
        out.observations.set(this.envs[i].reset(this.rng), i * d);
      } else {
        out.observations.set(r.observation, i * d);
      }
    }
    return out;
  }
}
