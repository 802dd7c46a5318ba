import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { dirichletPartition, iidPartition, labelCounts, shardPartition } from '../src/index.js';

/** 10 classes x 200 examples, labels interleaved. */
const labels = Int32Array.from({ length: 2000 }, (_, i) => i % 10);

function coversOnce(parts: Int32Array[], n: number): void {
  const seen = new Uint8Array(n);
  for (const p of parts) for (const i of p) seen[i]++;
  expect(Array.from(seen).every((s) => s === 1)).toBe(true);
}

/** Classes holding >= 5% of a client's examples, averaged over clients. */
function meanClassesPerClient(counts: Int32Array[]): number {
  let total = 0;
  for (const c of counts) {
    const n = c.reduce((a, b) => a + b, 0);
    total += Array.from(c).filter((v) => v >= 0.05 * n).length;
  }
  return total / counts.length;
}

describe('partitioners', () => {
  it('iid: every example once, sizes within one, same seed same split', () => {
    const parts = iidPartition(103, 10, 1);
    coversOnce(parts, 103);
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(iidPartition(103, 10, 1)).toEqual(parts);
    expect(iidPartition(103, 10, 2)).not.toEqual(parts);
  });

  it('dirichlet: small alpha gives few classes per client, large alpha nearly all ten', () => {
    const skewed = labelCounts(labels, dirichletPartition(labels, 20, { alpha: 0.1, seed: 3 }), 10);
    const mixed = labelCounts(labels, dirichletPartition(labels, 20, { alpha: 100, seed: 3 }), 10);
    const few = meanClassesPerClient(skewed);
    const many = meanClassesPerClient(mixed);
    expect(few).toBeLessThan(3.5);
    expect(many).toBeGreaterThan(9.5);
    // With alpha = 100 each client's class shares are close to the uniform 1/10.
    for (const c of mixed) {
      const n = c.reduce((a, b) => a + b, 0);
      for (const v of c) expect(Math.abs(v / n - 0.1)).toBeLessThan(0.08);
    }
  });

  it('dirichlet: per-class client shares have the Dirichlet mean 1/K and variance (1 - 1/K)/(K(K alpha + 1)) ', () => {
    // Share of class c that client k receives, over many seeds: Dir(alpha 1_K) marginals are Beta(alpha, (K-1) alpha).
    const K = 5;
    const alpha = 0.5;
    const big = Int32Array.from({ length: 5000 }, (_, i) => i % 2);
    const shares: number[] = [];
    for (let s = 0; s < 150; s++) {
      // minSize 0 and no cap effect: the cap n/K never binds for the first class drawn.
      const counts = labelCounts(big, dirichletPartition(big, K, { alpha, minSize: 0, seed: s }), 2);
      shares.push(counts[0][0] / 2500);
    }
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    const variance = shares.reduce((a, b) => a + (b - mean) ** 2, 0) / (shares.length - 1);
    const expectedVar = (1 / K) * (1 - 1 / K) / (K * alpha + 1);
    expect(mean).toBeGreaterThan(0.2 - 0.05);
    expect(mean).toBeLessThan(0.2 + 0.05);
    expect(variance).toBeGreaterThan(0.7 * expectedVar);
    expect(variance).toBeLessThan(1.3 * expectedVar);
  });

  it('dirichlet: covers every example once, honours minSize, is seeded', () => {
    const parts = dirichletPartition(labels, 20, { alpha: 0.1, minSize: 20, seed: new Rng(5) });
    coversOnce(parts, labels.length);
    expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(20);
    expect(dirichletPartition(labels, 20, { alpha: 0.1, minSize: 20, seed: new Rng(5) })).toEqual(parts);
  });

  it('dirichlet: clear errors for bad alpha and impossible minSize', () => {
    expect(() => dirichletPartition(labels, 10, { alpha: 0, seed: 0 })).toThrow(/alpha must be/);
    expect(() => dirichletPartition(labels, 10, { alpha: 1, minSize: 500, seed: 0 })).toThrow(/minSize must be/);
    expect(() => dirichletPartition(labels, 10, { alpha: 0.01, minSize: 190, maxTries: 3, seed: 0 })).toThrow(/no draw in 3 tries/);
  });

  it('shards: each client sees at most shardsPerClient classes and equal amounts', () => {
    const parts = shardPartition(labels, 20, { shardsPerClient: 2, seed: 0 });
    coversOnce(parts, labels.length);
    const counts = labelCounts(labels, parts, 10);
    for (const c of counts) expect(Array.from(c).filter((v) => v > 0).length).toBeLessThanOrEqual(2);
    expect(new Set(parts.map((p) => p.length))).toEqual(new Set([100]));
  });

  it('labelCounts counts per client and rejects labels out of range', () => {
    const counts = labelCounts([0, 1, 1, 2], [Int32Array.of(0, 1), Int32Array.of(2, 3)], 3);
    expect(counts.map((c) => Array.from(c))).toEqual([
      [1, 1, 0],
      [0, 1, 1],
    ]);
    expect(() => labelCounts([0, 5], [Int32Array.of(1)], 3)).toThrow(/label 5, outside \[0, 3\)/);
  });
});
