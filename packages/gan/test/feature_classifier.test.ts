import { initBackend, loadMnistDigits, Rng, subset, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureClassifier } from '../src/index.js';
import { leakyRelu } from '../src/leaky_relu.js';

beforeAll(() => initBackend());

describe('FeatureClassifier', () => {
  it('learns the digits; FD(real, other real) is far below FD(real, noise), and stats reject wrong shapes', () => {
    const all = loadMnistDigits();
    const order = new Rng(0).permutation(all.size);
    const train = subset(all, order.subarray(0, 1500));
    const clf = FeatureClassifier.train(train, { epochs: 1, seed: 0 });
    // Running accuracy over one epoch of 1,500 digits; chance is 0.1.
    expect(clf.trainAccuracy).toBeGreaterThan(0.3);
    const images = (idx: Int32Array) => tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(all.take(idx).x, [idx.length, 28, 28, 1]), 2), 1));
    const a = images(order.subarray(2000, 2400));
    const b = images(order.subarray(3000, 3400));
    const noise = tf.randomUniform([400, 28, 28, 1], -1, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const ref = clf.stats(a);
    const real = clf.frechetDistance(b, ref);
    const fake = clf.frechetDistance(noise, ref);
    expect(tf.memory().numTensors).toBe(before);
    expect(real * 10).toBeLessThan(fake);
    const wrong = tf.zeros([2, 32, 32, 3]);
    expect(() => clf.stats(wrong)).toThrow(/\[n, 28, 28, 1\], got \[2, 32, 32, 3\]/);
    tf.dispose([a, b, noise, wrong]);
    clf.dispose();
  }, 60_000);
});

describe('leakyRelu', () => {
  it('equals max(x, a x) with slope 1 / a on either side', () => {
    const x = tf.tensor1d([-2, -0.5, 0.5, 3]);
    const y = leakyRelu(x, 0.2);
    expect(Array.from(y.dataSync())).toEqual([expect.closeTo(-0.4, 6), expect.closeTo(-0.1, 6), expect.closeTo(0.5, 6), expect.closeTo(3, 6)]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(leakyRelu(t, 0.2)))(x);
    expect(Array.from(g.dataSync())).toEqual([expect.closeTo(0.2, 6), expect.closeTo(0.2, 6), expect.closeTo(1, 6), expect.closeTo(1, 6)]);
    expect(() => leakyRelu(x, 2)).toThrow(/alpha must be in \[0, 1\]/);
    tf.dispose([x, y, g]);
  });
});
