import { Rng, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  A2c,
  ActorCritic,
  ALGORITHM_NAMES,
  CartPole,
  Pdac,
  Pendulum,
  Ppo,
  RolloutCollector,
  trainAgent,
  VectorEnv,
  type AlgorithmConfig,
  type Env,
  type OnPolicyAlgorithm,
} from '../src/index.js';

const cases: [string, () => Env, (agent: ActorCritic) => OnPolicyAlgorithm][] = [
  ['pdac on Pendulum', () => new Pendulum(), (a) => new Pdac(a, { rolloutSteps: 16, epochs: 2, minibatchSize: 16 }, 0)],
  ['ppo on CartPole', () => new CartPole(), (a) => new Ppo(a, { rolloutSteps: 16, epochs: 2, minibatchSize: 16 }, 0)],
  ['a2c on Pendulum', () => new Pendulum(), (a) => new A2c(a, {})],
  ['pdac on CartPole', () => new CartPole(), (a) => new Pdac(a, { rolloutSteps: 16, epochs: 2, minibatchSize: 16 }, 0)],
];

describe('memory', () => {
  it.each(cases)('%s keeps tf.memory().numTensors constant across rollouts and updates', (_, make, build) => {
    const venv = new VectorEnv(make, 2, 1);
    const collector = new RolloutCollector(venv, { gamma: 0.99, lambda: 0.95, normalizeObservations: true, normalizeRewards: true }, 2);
    const agent = new ActorCritic(venv.observationSize, venv.actionSpace, new Rng(3), { hidden: [8], logStdInit: 0 });
    const algo = build(agent);
    // The first update creates the optimizer's slots.
    algo.update(collector.collect(agent, algo.rolloutSteps), 0);
    const before = tf.memory().numTensors;
    for (let u = 1; u < 4; u++) algo.update(collector.collect(agent, algo.rolloutSteps), u / 4);
    expect(tf.memory().numTensors).toBe(before);
    algo.dispose();
    agent.dispose();
  });

  it.each(ALGORITHM_NAMES)('a whole %s run frees everything but the agent, and the agent frees the rest', async (name) => {
    const before = tf.memory().numTensors;
    const run = await trainAgent({
      makeEnv: () => new Pendulum(),
      algorithm: { name, config: { rolloutSteps: 8, minibatchSize: 8 } } as AlgorithmConfig,
      totalSteps: 64,
      numEnvs: 2,
      gamma: 0.9,
      lambda: 0.95,
      normalizeObservations: true,
      normalizeRewards: true,
      network: { hidden: [8], logStdInit: 0 },
      seed: 0,
      evaluations: 1,
      evalEpisodes: 2,
    });
    expect(tf.memory().numTensors).toBe(before + run.agent.actor.length + run.agent.critic.length);
    run.agent.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
