import { initBackend, silentProgress, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { GAN_STU_QUICK, ganStu, runGanStu } from '../src/experiments/gan_stu.js';
import { defaultRegistry } from '../src/registry.js';

describe('gan-stu', () => {
  it('is registered under @proj/gan', () => {
    expect(defaultRegistry().get('gan-stu')).toBe(ganStu);
  });

  it(
    'runs every variant at a tiny size: the issue\'s metric names, FD curves, one sample grid per variant, no tensor leak',
    async () => {
      await initBackend();
      const before = tf.memory().numTensors;
      const logs: string[] = [];
      const result = await runGanStu(
        { quick: true, seed: 0, reporter: silentProgress, log: (m) => logs.push(m), options: {} },
        { ...GAN_STU_QUICK, steps: 4, evals: 2, fdSamples: 64, generatorWidth: 2, discriminatorWidth: 2, updateEvery: 2, classifierEpochs: 1, trainLimit: 256 },
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(Object.keys(result.metrics)).toEqual(['fid_dense', 'fid_static_0.2', 'fid_stu_0.2', 'fid_static_0.1', 'fid_stu_0.1', 'train_seconds']);
      for (const v of Object.values(result.metrics)) expect(Number.isFinite(v)).toBe(true);
      const curve = Object.values(result.curves!)[0];
      expect(curve).toHaveLength(10);
      expect(Object.keys(result.images!)).toEqual(['samples_dense', 'samples_static_0.2', 'samples_stu_0.2', 'samples_static_0.1', 'samples_stu_0.1']);
      expect(result.images!.samples_dense.width).toBe(8 * 30 + 2);
      // Exploration moved weights but kept G's active count.
      const stu = logs.find((l) => l.startsWith('stu_0.2:'))!;
      const [, a, b] = /G active (\d+) -> (\d+)/.exec(stu)!;
      expect(a).toBe(b);
    },
    120_000,
  );
});
