import { Rng, initBackend, silentProgress, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cosineDecay } from '../src/classifier.js';
import { buildMnistCnn, CORE_MNIST_QUICK, runCoreMnist } from '../src/experiments/core_mnist.js';

beforeAll(async () => {
  await initBackend();
});

describe('core-mnist', () => {
  it('decays the learning rate along a half cosine from the peak to 0', () => {
    expect(cosineDecay(2e-3, 0, 100)).toBeCloseTo(2e-3, 12);
    expect(cosineDecay(2e-3, 50, 100)).toBeCloseTo(1e-3, 12);
    expect(cosineDecay(2e-3, 75, 100)).toBeCloseTo(1e-3 * (1 - Math.SQRT1_2), 12);
    expect(cosineDecay(2e-3, 100, 100)).toBeCloseTo(0, 12);
    expect(cosineDecay(2e-3, 120, 100)).toBeCloseTo(0, 12);
  });

  it('initializes the same weights from the same seed', () => {
    const weights = (seed: number) => {
      const m = buildMnistCnn(CORE_MNIST_QUICK, new Rng(seed));
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    expect(weights(4)).toEqual(weights(4));
    expect(weights(4)[0]).not.toEqual(weights(5)[0]);
  });

  it('learns digits well above chance in a drastically reduced run, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const logs: string[] = [];
    const result = await runCoreMnist(
      { quick: true, seed: 0, reporter: silentProgress, log: (m) => logs.push(m), options: {} },
      { ...CORE_MNIST_QUICK, epochs: 1, evalsPerEpoch: 1, limit: { train: 1024, test: 500 } },
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(result.metrics.steps).toBe(32);
    expect(result.metrics.train_examples).toBe(1024);
    expect(result.metrics.test_accuracy).toBeGreaterThan(0.7);
    expect(result.curves?.test_accuracy).toHaveLength(1);
    expect(result.curves?.train_loss).toHaveLength(32);
    expect(logs[0]).toMatch(/1024 train \/ 500 test/);
  }, 30_000);
});
