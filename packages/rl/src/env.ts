/**
 * The environment contract, after Gymnasium's `Env`: `reset(seed)` returns the
 * first observation, `step(action)` returns observation, reward, and the two
 * end flags (terminated: the MDP reached a terminal state, so the value of the
 * next state is 0; truncated: a time limit cut the episode, so it is not).
 * Environments are plain JS arithmetic on Float64Arrays: one step costs
 * nanoseconds, where a tensor op would cost microseconds.
 */
import type { Rng } from '@proj/core';

/** A discrete action space {0, ..., n-1} (Gymnasium `Discrete(n)`). */
export interface DiscreteSpace {
  kind: 'discrete';
  n: number;
}

/** A box of real actions, low[i] <= a[i] <= high[i] (Gymnasium `Box`). */
export interface BoxSpace {
  kind: 'box';
  low: readonly number[];
  high: readonly number[];
}

export type ActionSpace = DiscreteSpace | BoxSpace;

/** Number of action components a policy outputs: logits for discrete, means for box. */
export function actionDim(space: ActionSpace): number {
  return space.kind === 'discrete' ? space.n : space.low.length;
}

export interface StepResult {
  observation: Float64Array;
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

/** One environment. `action` is an index for discrete spaces, a vector for boxes. */
export interface Env {
  readonly name: string;
  readonly observationSize: number;
  readonly actionSpace: ActionSpace;
  /** Gymnasium's TimeLimit: `truncated` becomes true at this many steps. */
  readonly maxEpisodeSteps: number;
  /** Starts an episode; the initial state is drawn from `rng`. */
  reset(rng: Rng): Float64Array;
  step(action: number | ArrayLike<number>): StepResult;
}

/** Throws unless `action` fits `space` (an integer index or a finite vector of the right length). */
export function checkAction(envName: string, space: ActionSpace, action: number | ArrayLike<number>): void {
  if (space.kind === 'discrete') {
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= space.n) {
      throw new Error(`${envName}.step: action must be an integer in [0, ${space.n}), got ${String(action)}`);
    }
    return;
  }
  const n = space.low.length;
  if (typeof action === 'number' || action.length !== n) {
    throw new Error(`${envName}.step: action must be an array of length ${n}, got ${typeof action === 'number' ? action : `length ${action.length}`}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(action[i])) throw new Error(`${envName}.step: action[${i}] must be finite, got ${action[i]}`);
  }
}
