import { Rng, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { ActorCritic, CartPole, greedyActions, Pendulum, sampleActions } from '../src/index.js';
import { orthogonal } from '../src/orthogonal_init.js';

describe('ActorCritic', () => {
  it('samples Gaussian actions whose JS log-probability equals the network log pi(a|s), and seeded', () => {
    const env = new Pendulum();
    const agent = new ActorCritic(3, env.actionSpace, new Rng(0), { hidden: [8], logStdInit: -0.5 });
    const obs = new Rng(1).normalArray(12);
    const out = agent.act(obs);
    const a = sampleActions(out.head, agent.logStdValues(), env.actionSpace, new Rng(2));
    const b = sampleActions(out.head, agent.logStdValues(), env.actionSpace, new Rng(2));
    expect(Array.from(a.actions)).toEqual(Array.from(b.actions));
    const net = tf.tidy(() => agent.logProbEntropy(tf.tensor2d(obs, [4, 3]), tf.tensor2d(a.actions, [4, 1])).logProb.dataSync());
    a.logProbs.forEach((lp, i) => expect(lp).toBeCloseTo(net[i], 4));
    // Entropy of N(mu, sigma^2) is log sigma + (1 + log 2 pi) / 2.
    const h = tf.tidy(() => agent.logProbEntropy(tf.tensor2d(obs, [4, 3]), tf.tensor2d(a.actions, [4, 1])).entropy.dataSync());
    expect(h[0]).toBeCloseTo(-0.5 + 0.5 * (1 + Math.log(2 * Math.PI)), 5);
    expect(greedyActions(out.head, env.actionSpace)).toEqual(out.head);
    agent.dispose();
  });

  it('samples categorical actions with the network log-probabilities', () => {
    const env = new CartPole();
    const agent = new ActorCritic(4, env.actionSpace, new Rng(0), { hidden: [8], logStdInit: 0 });
    const obs = new Rng(1).normalArray(16);
    const out = agent.act(obs);
    const s = sampleActions(out.head, new Float32Array(0), env.actionSpace, new Rng(3));
    const net = tf.tidy(() => agent.logProbEntropy(tf.tensor2d(obs, [4, 4]), tf.tensor1d(s.actions, 'int32')).logProb.dataSync());
    s.logProbs.forEach((lp, i) => expect(lp).toBeCloseTo(net[i], 5));
    expect(Array.from(greedyActions(Float32Array.of(0.1, 0.3, 2, -1), env.actionSpace))).toEqual([1, 0]);
    agent.dispose();
  });

  it('initializes orthogonally: W^T W = gain^2 I for tall W, W W^T for wide W', () => {
    for (const [r, c] of [[6, 3], [3, 6]]) {
      const w = orthogonal(r, c, 2, new Rng(4));
      const k = Math.min(r, c);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let dot = 0;
          for (let t = 0; t < Math.max(r, c); t++) dot += r >= c ? w[t * c + i] * w[t * c + j] : w[i * c + t] * w[j * c + t];
          expect(dot).toBeCloseTo(i === j ? 4 : 0, 5);
        }
      }
    }
  });
});
