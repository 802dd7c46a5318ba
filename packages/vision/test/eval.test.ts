import { Rng, initBackend } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { auc, bootstrapAuc, knnAccuracy, labelFraction, linearProbe } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

describe('AUC', () => {
  it('counts the share of correctly ordered positive-negative pairs, ties as 1/2', () => {
    // Positives 0.8, 0.4; negatives 0.5, 0.1: pairs (0.8>0.5, 0.8>0.1, 0.4<0.5, 0.4>0.1) -> 3/4.
    expect(auc([0.8, 0.5, 0.4, 0.1], [1, 0, 1, 0])).toBeCloseTo(0.75, 10);
    // One tie between a positive and a negative: (1 + 0.5 + 1 + 1) / 4.
    expect(auc([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.875, 10);
    expect(auc([1, 2, 3], [1, 0, 0])).toBe(0);
    expect(auc([1, 2, 3], [0, 0, 1])).toBe(1);
    expect(auc([1, 2], [1, 1])).toBeNaN();
  });

  it('gives a seeded bootstrap interval around the point estimate', () => {
    const rng = new Rng(3);
    const labels = Array.from({ length: 200 }, (_, i) => i % 2);
    const scores = labels.map((l) => l + rng.normal(0, 1));
    const a = bootstrapAuc(scores, labels, { samples: 300, seed: 1 });
    const b = bootstrapAuc(scores, labels, { samples: 300, seed: 1 });
    expect(a).toEqual(b);
    expect(a.auc).toBeCloseTo(auc(scores, labels), 12);
    expect(a.low).toBeLessThan(a.auc);
    expect(a.high).toBeGreaterThan(a.auc);
    // Normal approximation of the AUC's standard error is ~0.03 here: the 95% interval is ~0.12 wide.
    expect(a.high - a.low).toBeGreaterThan(0.06);
    expect(a.high - a.low).toBeLessThan(0.25);
  });

  it('rejects labels other than 0/1 and mismatched lengths', () => {
    expect(() => auc([1, 2], [1, 2])).toThrow(/labels must be 0 or 1/);
    expect(() => auc([1, 2], [1])).toThrow(/equal length/);
  });
});

describe('label fractions', () => {
  it('draw a stratified share of each class, at least one example each', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i < 900 ? 0 : 1));
    const one = labelFraction(labels, 0.01, 5);
    expect(one.length).toBe(9 + 1);
    expect(Array.from(one).filter((i) => labels[i] === 1).length).toBe(1);
    expect(labelFraction(labels, 0.1, 5).length).toBe(100);
    expect(labelFraction(labels, 1, 5)).toEqual(Int32Array.from({ length: 1000 }, (_, i) => i));
    expect(labelFraction(labels, 0.1, 5)).toEqual(labelFraction(labels, 0.1, 5));
    expect(() => labelFraction(labels, 0, 5)).toThrow(/fraction must be in \(0, 1\]/);
  });
});

describe('linear probe and kNN', () => {
  /** Three Gaussian blobs in 4-d. */
  function blobs(n: number, rng: Rng, spread: number) {
    const x = new Float32Array(n * 4);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === y[i] ? 3 : 0) + rng.normal(0, spread);
    }
    return { x, y };
  }

  it('classify separable blobs almost perfectly and noise at chance', { timeout: 60_000 }, () => {
    const rng = new Rng(2);
    const train = blobs(300, rng, 0.5);
    const test = blobs(150, rng, 0.5);
    expect(linearProbe(train, test, 4, 3, { steps: 100 })).toBeGreaterThan(0.97);
    expect(knnAccuracy(train, test, 4, 3)).toBeGreaterThan(0.95);
    const noisy = { x: new Rng(4).normalArray(300 * 4), y: train.y };
    expect(linearProbe(noisy, { x: new Rng(5).normalArray(150 * 4), y: test.y }, 4, 3, { steps: 100 })).toBeLessThan(0.5);
  });

  it('kNN with k = 1 returns the nearest neighbour by cosine similarity', () => {
    const train = { x: Float32Array.from([1, 0, 0, 1]), y: Int32Array.from([0, 1]) };
    const test = { x: Float32Array.from([5, 1, 0.2, 3]), y: Int32Array.from([0, 1]) };
    expect(knnAccuracy(train, test, 2, 2, { k: 1 })).toBe(1);
  });
});
