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

  it('builds the batch-norm variant as conv (no bias) > batch norm > relu, with logits of the right shape and no leak', () => {
    const before = tf.memory().numTensors;
    const m = buildMnistCnn({ filters: [4, 8], hidden: 0, batchNorm: true }, new Rng(3));
    expect(m.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D', 'BatchNormalization', 'ReLU', 'Conv2D', 'BatchNormalization', 'ReLU', 'Flatten', 'Dense',
    ]);
    expect(m.layers[0].getWeights()).toHaveLength(1);
    const logits = tf.tidy(() => {
      const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 1);
      // Training mode normalizes by the batch: each channel of the first block has mean ~0 before relu.
      const normed = m.layers[1].apply(m.layers[0].apply(x), { training: true }) as tf.Tensor;
      expect(Math.abs(tf.mean(normed).dataSync()[0])).toBeLessThan(1e-4);
      return (m.apply(x, { training: true }) as tf.Tensor).shape;
    });
    expect(logits).toEqual([5, 10]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
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
