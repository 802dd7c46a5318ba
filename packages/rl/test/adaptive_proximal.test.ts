import { tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { AdaptiveProximal } from '../src/index.js';

describe('AdaptiveProximal', () => {
  it('matches a hand-computed descent step then ascent step, keeping the running max of v', () => {
    const x = tf.variable(tf.tensor1d([1, -2]));
    // beta2 = 0.5 so that v falls visibly below its running max in the second step.
    const opt = new AdaptiveProximal([x], { learningRate: 0.1, beta1: 0.9, beta2: 0.5, epsilon: 1e-8 });
    // Step 1, g = [0.5, -1]: m = 0.1 g, v = 0.5 g^2; bias-corrected m / (1 - 0.9) = g and v / (1 - 0.5) = g^2,
    // so the step is eta * g / (|g| + eps) = 0.1 * sign(g) per coordinate (descent subtracts it).
    opt.step([tf.tensor1d([0.5, -1])], 'descent');
    const x1 = Array.from(x.dataSync());
    expect(x1[0]).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-8), 6);
    expect(x1[1]).toBeCloseTo(-2 + (0.1 * 1) / (1 + 1e-8), 6);
    // Step 2, g = [0, 0.2], ascent: m = 0.9 m1 + 0.1 g = [0.045, -0.07];
    // v = 0.5 v1 + 0.5 g^2 = [0.0625, 0.27] < v1 = [0.125, 0.5], so vmax stays [0.125, 0.5];
    // x2 = x1 + eta (m / (1 - 0.81)) / (sqrt(vmax / (1 - 0.25)) + eps).
    opt.step([tf.tensor1d([0, 0.2])], 'ascent');
    const m = [0.045, -0.07];
    const vmax = [0.125, 0.5];
    const expected = x1.map((xi, i) => xi + (0.1 * (m[i] / 0.19)) / (Math.sqrt(vmax[i] / 0.75) + 1e-8));
    const x2 = Array.from(x.dataSync());
    expect(x2[0]).toBeCloseTo(expected[0], 6);
    expect(x2[1]).toBeCloseTo(expected[1], 6);
    // Adam (metric from v itself) would have stepped further: sqrt(0.0625 / 0.75) < sqrt(0.125 / 0.75).
    const adam = x1[0] + (0.1 * (0.045 / 0.19)) / Math.sqrt(0.0625 / 0.75);
    expect(adam - x2[0]).toBeGreaterThan(0.01);
    expect(opt.t).toBe(2);
    opt.dispose();
    x.dispose();
  });

  it('is the proximal step: with beta1 = 0 it minimizes <g, x> + ||x - x_t||^2_H / (2 eta) per coordinate', () => {
    const x = tf.variable(tf.tensor1d([0.3]));
    const opt = new AdaptiveProximal([x], { learningRate: 0.05, beta1: 0, beta2: 0.5, epsilon: 1e-3 });
    const g = 2;
    opt.step([tf.tensor1d([g])], 'descent');
    const h = Math.sqrt((0.5 * g * g) / 0.5) + 1e-3;
    // Stationary point of g x + h (x - 0.3)^2 / (2 eta): x = 0.3 - eta g / h.
    expect(x.dataSync()[0]).toBeCloseTo(0.3 - (0.05 * g) / h, 6);
    opt.dispose();
    x.dispose();
  });

  it('rejects bad settings and mismatched gradients by name', () => {
    const x = tf.variable(tf.zeros([2, 3]));
    expect(() => new AdaptiveProximal([x], { learningRate: 0 })).toThrow(/learningRate must be > 0/);
    expect(() => new AdaptiveProximal([x], { beta2: 1 })).toThrow(/beta2 must be in \(0, 1\)/);
    const opt = new AdaptiveProximal([x]);
    expect(() => opt.step([tf.zeros([3, 2])], 'descent')).toThrow(/gradient 0 has shape \[3,2\]/);
    expect(() => opt.step([], 'descent')).toThrow(/one gradient per variable \(1\)/);
    opt.dispose();
    x.dispose();
  });

  it('does not leak tensors across steps', () => {
    const x = tf.variable(tf.ones([4]));
    const opt = new AdaptiveProximal([x]);
    const g = tf.ones([4]);
    opt.step([g], 'descent');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) opt.step([g], i % 2 ? 'ascent' : 'descent');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([g, x]);
    opt.dispose();
  });
});
