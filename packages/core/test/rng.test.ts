import { describe, expect, it } from 'vitest';
import { Rng, logGamma, toRng } from '../src/rng.js';

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / (xs.length - 1) };
}

function draw(n: number, f: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f();
  return out;
}

describe('Rng', () => {
  it('matches xoshiro128** known answers for state [1, 2, 3, 4]', () => {
    // Hand-computed: rotl(2*5, 7)*9 = 11520; then s1 = 0 gives 0; then rotl(1029*5, 7)*9.
    const r = Rng.fromState([1, 2, 3, 4]);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42).uniformArray(100);
    const b = new Rng(42).uniformArray(100);
    const c = new Rng(43).uniformArray(100);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('continues a stream from its saved state', () => {
    const r = new Rng(7);
    r.uniform();
    const copy = Rng.fromState(r.state());
    expect(copy.uniform()).toBe(r.uniform());
  });

  it('split children are reproducible and independent of each other', () => {
    const p1 = new Rng(5);
    const p2 = new Rng(5);
    const c1 = p1.split().uniformArray(1000);
    expect(Array.from(p2.split().uniformArray(1000))).toEqual(Array.from(c1));
    const c2 = p1.split().uniformArray(1000);
    // Correlation of two sibling streams is near zero.
    const m1 = moments(c1).mean;
    const m2 = moments(c2).mean;
    let cov = 0;
    for (let i = 0; i < 1000; i++) cov += (c1[i] - m1) * (c2[i] - m2);
    expect(Math.abs(cov / 1000 / (1 / 12))).toBeLessThan(0.1);
  });

  it('rejects bad seeds and arguments with named errors', () => {
    expect(() => new Rng(1.5)).toThrow(/seed must be a finite integer/);
    expect(() => new Rng(0).int(0)).toThrow(/rng.int/);
    expect(() => new Rng(0).categorical([0, 0])).toThrow(/positive sum/);
    expect(() => new Rng(0).categorical([1, -1])).toThrow(/p\[1\]/);
    expect(() => new Rng(0).dirichlet([1, 0])).toThrow(/alpha\[1\]/);
    expect(() => new Rng(0).poisson(-1)).toThrow(/lambda/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/all zero/);
    expect(toRng(3).uniform()).toBe(new Rng(3).uniform());
  });

  it('uniform and normal have the right moments', () => {
    const r = new Rng(1);
    const u = moments(draw(200_000, () => r.uniform()));
    expect(u.mean).toBeCloseTo(0.5, 2);
    expect(u.variance).toBeCloseTo(1 / 12, 3);
    const n = moments(r.normalArray(200_000, 2, 3));
    expect(n.mean).toBeCloseTo(2, 1);
    expect(n.variance).toBeGreaterThan(8.9);
    expect(n.variance).toBeLessThan(9.1);
  });

  it('int is uniform over its range', () => {
    const r = new Rng(2);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
    // chi-square with 6 dof: 99.9% quantile is 22.46
    const chi = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi).toBeLessThan(22.46);
  });

  it('categorical follows the weights', () => {
    const r = new Rng(3);
    const w = [1, 2, 0, 7];
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) counts[r.categorical(w)]++;
    expect(counts[2]).toBe(0);
    expect(counts[0] / 100_000).toBeCloseTo(0.1, 2);
    expect(counts[1] / 100_000).toBeCloseTo(0.2, 2);
    expect(counts[3] / 100_000).toBeCloseTo(0.7, 2);
  });

  it('permutation contains every index once', () => {
    const p = new Rng(4).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('gamma and dirichlet have the right moments', () => {
    const r = new Rng(5);
    for (const shape of [0.3, 1, 4.5]) {
      const g = moments(draw(100_000, () => r.gamma(shape, 2)));
      expect(g.mean / (2 * shape)).toBeCloseTo(1, 1);
      expect(g.variance / (4 * shape)).toBeGreaterThan(0.95);
      expect(g.variance / (4 * shape)).toBeLessThan(1.05);
    }
    const alpha = [0.5, 1, 2.5];
    const sums = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) {
      const d = r.dirichlet(alpha);
      expect(d[0] + d[1] + d[2]).toBeCloseTo(1, 12);
      for (let k = 0; k < 3; k++) sums[k] += d[k];
    }
    sums.forEach((s, k) => expect(s / 20_000).toBeCloseTo(alpha[k] / 4, 2));
  });

  it('poisson has mean = variance = lambda on both algorithm branches', () => {
    const r = new Rng(6);
    for (const lambda of [0.7, 3, 50, 1000]) {
      const m = moments(draw(100_000, () => r.poisson(lambda)));
      expect(m.mean / lambda).toBeCloseTo(1, 2);
      expect(m.variance / lambda).toBeGreaterThan(0.97);
      expect(m.variance / lambda).toBeLessThan(1.03);
    }
    expect(r.poisson(0)).toBe(0);
  });

  it('logGamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8);
  });
});
