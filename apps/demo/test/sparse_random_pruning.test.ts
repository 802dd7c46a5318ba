import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_DEFAULT_DIR, Rng, silentProgress, tf } from '@proj/core';
import { layerDensities, prunableLayers } from '@proj/sparse';
import { describe, expect, it } from 'vitest';
import { buildNet, runSparseRandomPruning, SPARSE_RP_QUICK } from '../src/experiments/sparse_random_pruning.js';

const dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
const present = existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')) || existsSync(join(dir, 't10k-labels-idx1-ubyte'));

describe('sparse-random-pruning', () => {
  it('builds both nets with the kernels ERK prunes, widths scaling the hidden layers', () => {
    const rng = new Rng(0);
    const mlp = buildNet({ kind: 'mlp', width: 2 }, rng);
    expect(prunableLayers(mlp).map((l) => l.shape)).toEqual([
      [784, 600],
      [600, 200],
      [200, 10],
    ]);
    const cnn = buildNet({ kind: 'cnn', width: 1 }, rng);
    expect(prunableLayers(cnn).map((l) => l.shape)).toEqual([
      [5, 5, 1, 16],
      [5, 5, 16, 32],
      [1568, 128],
      [128, 10],
    ]);
    // ERK keeps the small first conv and the classifier far denser than the big dense layer.
    const d = Object.values(layerDensities(prunableLayers(cnn), { scheme: 'erk', density: 0.05 }));
    expect(d[0]).toBeGreaterThan(0.3);
    expect(d[2]).toBeLessThan(0.05);
    mlp.dispose();
    cnn.dispose();
  });

  it.skipIf(!present)(
    `at 5% density on a tiny budget ERK beats uniform, sparse runs stay sparse, no tensor leak (skipped without ${dir})`,
    async () => {
      const before = tf.memory().numTensors;
      const logs: string[] = [];
      const result = await runSparseRandomPruning(
        { quick: true, seed: 0, reporter: silentProgress, log: (m) => logs.push(m), options: {} },
        { ...SPARSE_RP_QUICK, densities: [0.05], epochs: 1, trainLimit: 4000, testLimit: 2000 },
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(Object.keys(result.metrics)).toEqual(['dense_acc', 'uniform_acc_0.05', 'erk_acc_0.05', 'train_seconds']);
      expect(result.metrics.dense_acc).toBeGreaterThan(0.7);
      expect(result.metrics['erk_acc_0.05']).toBeGreaterThan(result.metrics['uniform_acc_0.05']);
      expect(logs.filter((l) => l.includes('trained density 0.0500'))).toHaveLength(2);
    },
    120_000,
  );
});
