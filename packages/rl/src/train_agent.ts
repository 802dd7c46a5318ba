/**
 * One training loop for every algorithm: collect a rollout with the shared
 * collector, update, log finished episodes and gradient norms, and evaluate
 * the deterministic policy at the end (and optionally along the way).
 */
import { Rng, silentProgress, type ProgressReporter } from '@proj/core';
import { A2c, type A2cConfig } from './a2c.js';
import { ActorCritic, ACTOR_CRITIC_DEFAULTS, type ActorCriticConfig } from './actor_critic.js';
import type { Env } from './env.js';
import { evaluatePolicy } from './evaluate.js';
import type { OnPolicyAlgorithm, UpdateStats } from './minibatch.js';
import { Pdac, type PdacConfig } from './pdac.js';
import { Ppo, type PpoConfig } from './ppo.js';
import { RolloutCollector } from './rollout.js';
import { VectorEnv } from './vector_env.js';

export const ALGORITHM_NAMES = ['pdac', 'a2c', 'ppo'] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

export type AlgorithmConfig =
  | { name: 'pdac'; config?: Partial<PdacConfig> }
  | { name: 'a2c'; config?: Partial<A2cConfig> }
  | { name: 'ppo'; config?: Partial<PpoConfig> };

export interface TrainAgentOptions {
  makeEnv: () => Env;
  algorithm: AlgorithmConfig;
  /** Environment steps, summed over the parallel copies. */
  totalSteps: number;
  numEnvs: number;
  gamma: number;
  lambda: number;
  normalizeObservations: boolean;
  normalizeRewards: boolean;
  network?: ActorCriticConfig;
  seed: number;
  /** Deterministic evaluations along the way (besides the final one); 0 for none. */
  evaluations?: number;
  /** Episodes per evaluation; 10. */
  evalEpisodes?: number;
  reporter?: ProgressReporter;
}

/** One point of the log: after `steps` environment steps. */
export interface UpdateLog extends UpdateStats {
  steps: number;
  /** Mean undiscounted return of the training episodes that finished since the previous update (NaN if none). */
  episodeReturn: number;
}

export interface TrainAgentResult {
  agent: ActorCritic;
  collector: RolloutCollector;
  updates: UpdateLog[];
  /** Deterministic evaluations: steps and mean return. */
  evaluations: { steps: number; meanReturn: number }[];
  /** Returns of the final deterministic evaluation episodes. */
  finalReturns: number[];
  /** Every training episode's return, in order, with the step count at which it ended. */
  episodes: { steps: number; ret: number }[];
}

function makeAlgorithm(a: AlgorithmConfig, agent: ActorCritic, rng: Rng): OnPolicyAlgorithm {
  switch (a.name) {
    case 'pdac':
      return new Pdac(agent, a.config ?? {}, rng);
    case 'a2c':
      return new A2c(agent, a.config ?? {});
    case 'ppo':
      return new Ppo(agent, a.config ?? {}, rng);
    default:
      throw new Error(`trainAgent: algorithm must be one of ${ALGORITHM_NAMES.join(', ')}, got ${JSON.stringify((a as { name: unknown }).name)}`);
  }
}

/**
 * Trains a fresh agent; the caller disposes `result.agent`. Yields to the
 * event loop after every update so that progress output and test runners'
 * heartbeats keep flowing during long runs.
 */
export async function trainAgent(o: TrainAgentOptions): Promise<TrainAgentResult> {
  if (!Number.isInteger(o.totalSteps) || o.totalSteps < 1) throw new Error(`trainAgent: totalSteps must be an integer >= 1, got ${o.totalSteps}`);
  const root = new Rng(o.seed);
  const envRng = root.split();
  const initRng = root.split();
  const sampleRng = root.split();
  const algoRng = root.split();
  const evalRng = root.split();
  const env = new VectorEnv(() => o.makeEnv(), o.numEnvs, envRng);
  const collector = new RolloutCollector(env, o, sampleRng);
  const agent = new ActorCritic(env.observationSize, env.actionSpace, initRng, o.network ?? ACTOR_CRITIC_DEFAULTS);
  const algo = makeAlgorithm(o.algorithm, agent, algoRng);
  const evalEpisodes = o.evalEpisodes ?? 10;
  const evaluate = () => {
    return evaluatePolicy(agent, o.makeEnv, evalRng.split(), { episodes: evalEpisodes, input: (raw) => collector.input(raw, false) });
  };
  const perUpdate = algo.rolloutSteps * o.numEnvs;
  const numUpdates = Math.max(1, Math.round(o.totalSteps / perUpdate));
  const evalEvery = o.evaluations ? Math.max(1, Math.floor(numUpdates / o.evaluations)) : 0;
  const reporter = o.reporter ?? silentProgress;
  const result: TrainAgentResult = { agent, collector, updates: [], evaluations: [], finalReturns: [], episodes: [] };
  reporter.start(numUpdates, `${algo.name} ${env.numEnvs}x${o.makeEnv().name}`);
  try {
    for (let u = 0; u < numUpdates; u++) {
      const rollout = collector.collect(agent, algo.rolloutSteps);
      const stats = algo.update(rollout, u / numUpdates);
      for (const e of rollout.episodes) result.episodes.push({ steps: collector.steps, ret: e.ret });
      const rets = rollout.episodes.map((e) => e.ret);
      result.updates.push({ ...stats, steps: collector.steps, episodeReturn: rets.length ? rets.reduce((a, b) => a + b, 0) / rets.length : NaN });
      if (evalEvery && (u + 1) % evalEvery === 0 && u + 1 < numUpdates) {
        const r = evaluate();
        result.evaluations.push({ steps: collector.steps, meanReturn: mean(r) });
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      reporter.tick(Number.isNaN(result.updates[u].episodeReturn) ? {} : { return: result.updates[u].episodeReturn });
    }
    result.finalReturns = evaluate();
    result.evaluations.push({ steps: collector.steps, meanReturn: mean(result.finalReturns) });
  } catch (e) {
    agent.dispose();
    throw e;
  } finally {
    algo.dispose();
    reporter.end();
  }
  return result;
}

function mean(a: number[]): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}
