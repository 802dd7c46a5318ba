import { FASHION_MNIST_DEFAULT_DIR, initBackend, silentProgress, tf } from '@proj/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runUnlearnable, UNLEARNABLE_QUICK, type UnlearnableNet } from '../src/experiments/unlearnable.js';

const dir = process.env.FASHION_MNIST_DIR || FASHION_MNIST_DEFAULT_DIR;
const present = existsSync(join(dir, 't10k-images-idx3-ubyte.gz')) || existsSync(join(dir, 't10k-images-idx3-ubyte'));

beforeAll(async () => {
  await initBackend();
});

describe('unlearnable', () => {
  const nets: UnlearnableNet[] = [
    { kind: 'cnn', filters: [16, 32], batchNorm: false },
    { kind: 'vgg', widths: [4, 8], convsPerStage: 1 },
  ];
  it.skipIf(!present).each(nets)('runs the quick grid at a tiny size (net: %o) and reports acc_<noise>_<trainer>, without leaking tensors', async (net) => {
    const before = tf.memory().numTensors;
    const logs: string[] = [];
    const q = UNLEARNABLE_QUICK;
    const result = await runUnlearnable(
      { quick: true, seed: 0, reporter: silentProgress, log: (m) => logs.push(m), options: {} },
      {
        ...q,
        net,
        trainSize: 128,
        testSize: 100,
        trainer: { ...q.trainer, epochs: 1 },
        attackSteps: 1,
        em: { ...q.em, maxRounds: 1, noise: { ...q.em.noise, steps: 1 } },
        rem: { ...q.rem, epochs: 0.5, defense: { ...q.rem.defense, steps: 1 } },
        remAttackSteps: 1,
      },
    );
    expect(tf.memory().numTensors).toBe(before);
    for (const k of ['acc_clean_std', 'acc_em_std', 'acc_em_at4', 'acc_rem4_at4']) {
      expect(result.metrics[k]).toBeGreaterThanOrEqual(0);
      expect(result.metrics[k]).toBeLessThanOrEqual(1);
    }
    expect(result.metrics.train_examples).toBe(128);
    expect(logs[0]).toMatch(/128 Fashion-MNIST training images/);
    expect(result.notes?.some((n) => /did not hold|held/.test(n))).toBe(true);
    const described = net.kind === 'vgg'
      ? 'small VGG: 1 x conv3x3(4)-BN-relu > maxpool2 > 1 x conv3x3(8)-BN-relu > global average pool > dense(10)'
      : 'small CNN conv5x5/2(16) > conv5x5/2(32) > dense(10);';
    expect(result.notes?.some((n) => n.includes(described))).toBe(true);
  }, 60_000);
});
