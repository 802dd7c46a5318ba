import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_DEFAULT_DIR, silentProgress, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { fl, FL_QUICK, runFl } from '../src/experiments/fl.js';

const dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
const present = existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')) || existsSync(join(dir, 't10k-labels-idx1-ubyte'));

describe('fl', () => {
  it('declares the issue\'s flags', () => {
    expect(Object.keys(fl.options ?? {})).toEqual(['algo', 'ftg', 'alpha', 'clients', 'frac', 'rounds']);
    expect(fl.options!.algo.choices).toEqual(['fedavg', 'fedprox', 'feddyn', 'scaffold']);
  });

  it.skipIf(!present)(
    `a tiny SCAFFOLD + FedFTG run reports final_acc and bytes_sent and leaks no tensors (skipped without ${dir})`,
    async () => {
      const before = tf.memory().numTensors;
      const result = await runFl(
        { quick: true, seed: 0, reporter: silentProgress, log: () => {}, options: {} },
        { ...FL_QUICK, algo: 'scaffold', ftg: true, alpha: 0.5, clients: 4, frac: 0.5, rounds: 2, localEpochs: 1, generator: { kind: 'mlp', hidden: 8 }, trainLimit: 400, testLimit: 200, net: { kind: 'mlp', hidden: 16 } },
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(Object.keys(result.metrics)).toEqual(['final_acc', 'best_acc', 'bytes_sent', 'train_seconds']);
      expect(result.metrics.final_acc).toBeGreaterThan(0.1);
      // SCAFFOLD: 2 clients x 2 rounds x (2 down + 2 up) vectors of float32.
      expect(result.metrics.bytes_sent % (2 * 2 * 4 * 4)).toBe(0);
      expect(result.curves!['global test accuracy']).toHaveLength(2);
    },
    120_000,
  );
});
