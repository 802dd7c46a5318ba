import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_DEFAULT_DIR, silentProgress, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { flTable, FL_TABLE_QUICK, parseAlgos, parseAlphas, runFlTable } from '../src/experiments/fl_table.js';
import { runFl } from '../src/experiments/fl.js';

const dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
const present = existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')) || existsSync(join(dir, 't10k-labels-idx1-ubyte'));

describe('fl-table', () => {
  it('declares its flags and parses the grid', () => {
    expect(Object.keys(flTable.options ?? {})).toEqual(['algos', 'alphas', 'rounds']);
    expect(parseAlgos('fedavg, scaffold')).toEqual(['fedavg', 'scaffold']);
    expect(parseAlphas('0.1,0.5')).toEqual([0.1, 0.5]);
    expect(() => parseAlgos('fedavg,fedsgd')).toThrow(/--algos .*"fedsgd"/);
    expect(() => parseAlgos('fedavg,fedavg')).toThrow(/twice/);
    expect(() => parseAlphas('0.1,0')).toThrow(/--alphas/);
    expect(() => parseAlphas('0.1,')).toThrow(/--alphas/);
  });

  it.skipIf(!present)(
    `a tiny grid reports every cell, FedFTG's difference, one chart per alpha, equals fl cell by cell, and leaks no tensors (skipped without ${dir})`,
    async () => {
      const ctx = { quick: true, seed: 3, reporter: silentProgress, log: () => {}, options: {} };
      const tiny = { ...FL_TABLE_QUICK, clients: 4, frac: 0.5, rounds: 1, generator: { kind: 'mlp' as const, hidden: 8 }, trainLimit: 300, testLimit: 100, net: { kind: 'mlp' as const, hidden: 8 } };
      const before = tf.memory().numTensors;
      const result = await runFlTable(ctx, { ...tiny, algos: ['fedavg', 'scaffold'], alphas: [0.1, 0.5] });
      expect(tf.memory().numTensors).toBe(before);
      const m = result.metrics;
      for (const algo of ['fedavg', 'scaffold']) {
        for (const a of ['a0.1', 'a0.5']) {
          expect(m[`final_acc_${algo}_plain_${a}`]).toBeGreaterThan(0);
          expect(m[`ftg_gain_${algo}_${a}`]).toBeCloseTo(m[`final_acc_${algo}_ftg_${a}`] - m[`final_acc_${algo}_plain_${a}`], 12);
        }
      }
      expect(Object.keys(result.curves!)).toEqual(['test accuracy, alpha 0.1', 'test accuracy, alpha 0.5']);
      const series = new Set(result.curves!['test accuracy, alpha 0.5'].map((p) => p.series));
      expect([...series]).toEqual(['fedavg', 'fedavg+ftg', 'scaffold', 'scaffold+ftg']);
      expect(result.curves!['test accuracy, alpha 0.5']).toHaveLength(4);
      // Each cell is the `fl` run of the same configuration and seed.
      const single = await runFl(ctx, { ...tiny, algo: 'scaffold', ftg: true, alpha: 0.5 });
      expect(m['final_acc_scaffold_ftg_a0.5']).toBe(single.metrics.final_acc);
    },
    120_000,
  );
});
