import { initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, madryPgd, stepDecay, trainClassifier, type TrainerConfig } from '../src/index.js';
import { digits, tinyCnn } from './nets.js';

beforeAll(async () => {
  await initBackend();
});

const BASE: TrainerConfig = { epochs: 2, batchSize: 32, learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4, decayEvery: 0.4 };

describe('standard and adversarial training', () => {
  it('decays the learning rate x0.1 every `every` steps (official schedule)', () => {
    expect(stepDecay(0.1, 0, 2000)).toBeCloseTo(0.1, 12);
    expect(stepDecay(0.1, 1999, 2000)).toBeCloseTo(0.1, 12);
    expect(stepDecay(0.1, 2000, 2000)).toBeCloseTo(0.01, 12);
    expect(stepDecay(0.1, 4500, 2000)).toBeCloseTo(0.001, 12);
  });

  it('standard and PGD training both learn digits, without leaking tensors', async () => {
    const { train, test } = digits(256, 200);
    for (const adversary of [undefined, madryPgd(4, 2)]) {
      const model = tinyCnn(0);
      const cfg = { ...BASE, ...(adversary ? { adversary } : {}), augment: { pad: 1, flip: false } };
      await trainClassifier(model, train, { ...cfg, epochs: 1 }, 0);
      const before = tf.memory().numTensors;
      const r = await trainClassifier(model, train, cfg, 1);
      expect(tf.memory().numTensors).toBe(before);
      expect(r.loss).toHaveLength(16);
      expect(accuracy(model, test)).toBeGreaterThan(0.6);
      model.dispose();
    }
  }, 60_000);

  it('rejects a bad batch size', async () => {
    const { train } = digits(8, 1);
    const model = tinyCnn(0);
    await expect(trainClassifier(model, train, { ...BASE, batchSize: 0 }, 0)).rejects.toThrow(/batchSize must be an integer >= 1/);
    model.dispose();
  }, 60_000);
});
