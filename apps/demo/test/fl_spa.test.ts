import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_DEFAULT_DIR, silentProgress, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { FL_SPA_QUICK, flSpa, runFlSpa } from '../src/experiments/fl_spa.js';

const dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
const present = existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')) || existsSync(join(dir, 't10k-labels-idx1-ubyte'));

describe('fl-spa', () => {
  it("declares the issue's flags", () => {
    expect(Object.keys(flSpa.options ?? {})).toEqual(['alpha', 'clients', 'frac', 'rounds', 'density']);
  });

  it.skipIf(!present)(
    `a tiny run reports the issue's metrics, sends fewer bytes than dense FedAvg and leaks no tensors (skipped without ${dir})`,
    async () => {
      const before = tf.memory().numTensors;
      const result = await runFlSpa(
        { quick: true, seed: 0, reporter: silentProgress, log: () => {}, options: {} },
        { ...FL_SPA_QUICK, clients: 4, frac: 0.5, rounds: 2, localEpochs: 1, hidden: 16, testPerClient: 40, trainLimit: 400, testLimit: 1000 },
      );
      expect(tf.memory().numTensors).toBe(before);
      const m = result.metrics;
      for (const k of ['personalized_acc', 'bytes_per_round', 'dense_personalized_acc', 'dense_bytes_per_round', 'fedavg_global_acc_own']) {
        expect(Number.isFinite(m[k])).toBe(true);
      }
      // Dense FedAvg: 2 clients x (down + up) x 12,730 float32 parameters of the 784-16-10 MLP.
      expect(m.dense_bytes_per_round).toBe(2 * 2 * 4 * 12730);
      expect(m.bytes_per_round).toBeLessThan(0.5 * m.dense_bytes_per_round);
    },
    120_000,
  );
});
