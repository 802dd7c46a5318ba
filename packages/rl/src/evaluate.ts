/**
 * Evaluation episodes with the deterministic policy (the Gaussian's mean, or
 * the arg-max action), on fresh environments seeded apart from training, with
 * the observation statistics frozen. All episodes run side by side so that
 * each step is one batched forward pass.
 */
import { toRng, type Rng } from '@proj/core';
import type { ActorCritic } from './actor_critic.js';
import type { Env } from './env.js';
import { policyActions, splitActions } from './rollout.js';

export interface EvaluationOptions {
  /** Episodes to average; 10 as the `rl` experiment's final_return. */
  episodes: number;
  /** Maps raw observations [B * obsSize] to network inputs without updating statistics. */
  input: (raw: Float64Array) => Float32Array;
}

/** Undiscounted return of each episode. */
export function evaluatePolicy(agent: ActorCritic, makeEnv: () => Env, seed: number | Rng, options: EvaluationOptions): number[] {
  const { episodes, input } = options;
  if (!Number.isInteger(episodes) || episodes < 1) throw new Error(`evaluatePolicy: episodes must be an integer >= 1, got ${episodes}`);
  const rng = toRng(seed);
  const envs = Array.from({ length: episodes }, makeEnv);
  const d = envs[0].observationSize;
  const obs = envs.map((e) => e.reset(rng));
  const returns = new Array<number>(episodes).fill(0);
  let live = envs.map((_, i) => i);
  while (live.length > 0) {
    const raw = new Float64Array(live.length * d);
    live.forEach((i, j) => raw.set(obs[i], j * d));
    const actions = splitActions(policyActions(agent, input(raw)), agent.actionSpace, live.length);
    live = live.filter((i, j) => {
      const r = envs[i].step(actions[j]);
      returns[i] += r.reward;
      obs[i] = r.observation;
      return !(r.terminated || r.truncated);
    });
  }
  return returns;
}
