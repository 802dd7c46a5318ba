import { Rng, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  ActorCritic,
  dualObjective,
  gatherMinibatch,
  Pdac,
  Pendulum,
  primalObjective,
  RolloutCollector,
  rolloutTensors,
  VectorEnv,
  type Minibatch,
  type Rollout,
} from '../src/index.js';

function setup(seed: number) {
  const venv = new VectorEnv(() => new Pendulum(), 2, seed);
  const collector = new RolloutCollector(venv, { gamma: 0.9, lambda: 0.95, normalizeObservations: true, normalizeRewards: false }, seed + 1);
  const agent = new ActorCritic(3, venv.actionSpace, new Rng(seed + 2), { hidden: [16, 16], logStdInit: 0 });
  return { collector, agent, rollout: collector.collect(agent, 64) };
}

/** The whole rollout as one minibatch with standardized advantages, as Pdac sees it when minibatchSize = T N. */
function wholeBatch(rollout: Rollout, agent: ActorCritic): Minibatch {
  const all = rolloutTensors(rollout, agent);
  const mb = gatherMinibatch(all, Int32Array.from({ length: rollout.numSteps * rollout.numEnvs }, (_, i) => i), true);
  tf.dispose(Object.values(all));
  return mb;
}

const evalJ = (agent: ActorCritic, mb: Minibatch, tau: number) => tf.tidy(() => dualObjective(agent, mb, tau, 0).objective.dataSync()[0]);

describe('Pdac', () => {
  it('the dual step ascends J and the primal step descends P on the same batch', () => {
    const { agent, rollout } = setup(0);
    const mb = wholeBatch(rollout, agent);
    const rhoOld = tf.tidy(() => dualObjective(agent, mb, 0.2, 0).rho);
    const j0 = evalJ(agent, mb, 0.2);
    const p0 = tf.tidy(() => primalObjective(agent, mb, rhoOld).dataSync()[0]);
    const pdac = new Pdac(agent, { rolloutSteps: 64, epochs: 1, minibatchSize: 128, entropyCoef: 0, actorLearningRate: 1e-3, criticLearningRate: 1e-3, annealLearningRate: false }, 5);
    pdac.update(rollout, 0);
    const j1 = evalJ(agent, mb, 0.2);
    const p1 = tf.tidy(() => primalObjective(agent, mb, rhoOld).dataSync()[0]);
    // At the behaviour policy rho = 1, so J = E[A] = 0 (standardized advantages); one ascent step raises it.
    expect(Math.abs(j0)).toBeLessThan(1e-5);
    expect(j1).toBeGreaterThan(j0 + 1e-5);
    expect(p1).toBeLessThan(p0);
    pdac.dispose();
    tf.dispose([rhoOld, ...Object.values(mb)]);
    agent.dispose();
  });

  it('several epochs keep raising J until the chi^2 term holds rho near 1 + tau A', () => {
    const { agent, rollout } = setup(1);
    const mb = wholeBatch(rollout, agent);
    const pdac = new Pdac(agent, { rolloutSteps: 64, epochs: 1, minibatchSize: 128, entropyCoef: 0, actorLearningRate: 3e-3, annealLearningRate: false }, 6);
    const js = [evalJ(agent, mb, 0.2)];
    for (let i = 0; i < 15; i++) {
      pdac.update(rollout, 0);
      js.push(evalJ(agent, mb, 0.2));
    }
    expect(js[15]).toBeGreaterThan(js[5]);
    expect(js[5]).toBeGreaterThan(js[0]);
    // The maximum over a free rho is E[(1 + tau A) A] - E[tau^2 A^2] / (2 tau) = tau E[A^2] / 2 = 0.1 (A standardized).
    expect(js[15]).toBeLessThan(0.1 + 1e-3);
    pdac.dispose();
    tf.dispose(Object.values(mb));
    agent.dispose();
  });

  it('the gradient of J w.r.t. the log std matches central finite differences', () => {
    const { agent, rollout } = setup(2);
    const mb = wholeBatch(rollout, agent);
    const logStd = agent.logStd as tf.Variable;
    // Move away from the behaviour policy so that rho != 1 and the chi^2 term has a gradient.
    logStd.assign(tf.tensor1d([0.3]));
    const g = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => dualObjective(agent, mb, 0.2, 0.01).objective, [logStd]);
      return grads[logStd.name].dataSync()[0];
    });
    const h = 1e-2;
    const at = (v: number) => {
      logStd.assign(tf.tensor1d([v]));
      return tf.tidy(() => dualObjective(agent, mb, 0.2, 0.01).objective.dataSync()[0]);
    };
    const fd = (at(0.3 + h) - at(0.3 - h)) / (2 * h);
    // Relative 1e-2: float32 arithmetic and the O(h^2) error of the central difference.
    expect(Math.abs(g - fd)).toBeLessThan(1e-2 * Math.abs(fd));
    expect(Math.abs(g)).toBeGreaterThan(1e-3);
    tf.dispose(Object.values(mb));
    agent.dispose();
  });

  it('rejects a non-positive tau', () => {
    const agent = new ActorCritic(3, new Pendulum().actionSpace, new Rng(0), { hidden: [4], logStdInit: 0 });
    expect(() => new Pdac(agent, { tau: 0 }, 0)).toThrow(/tau must be > 0/);
    agent.dispose();
  });
});
