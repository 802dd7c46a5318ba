import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { frechetDistance, gaussianStats, symmetricEigen, symmetricSqrt, type GaussianStats } from '../src/index.js';

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

/** A random symmetric PSD matrix B B^T / n (full rank for n >= d). */
function randomSpd(d: number, rng: Rng): Float64Array {
  const b = Float64Array.from(rng.normalArray(d * d));
  const bt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) bt[j * d + i] = b[i * d + j];
  return matmul(b, bt, d).map((x) => x / d);
}

describe('symmetricEigen / symmetricSqrt', () => {
  it('finds the eigenvalues of a hand-checked 2x2 and 3x3', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
    expect([...symmetricEigen([2, 1, 1, 2], 2).values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
    // A tridiagonal [[2,-1,0],[-1,2,-1],[0,-1,2]]: 2 - sqrt2, 2, 2 + sqrt2.
    const v = [...symmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], 3).values].sort((a, b) => a - b);
    expect(v[0]).toBeCloseTo(2 - Math.SQRT2, 12);
    expect(v[1]).toBeCloseTo(2, 12);
    expect(v[2]).toBeCloseTo(2 + Math.SQRT2, 12);
  });

  it('reconstructs A = V diag(lambda) V^T, and sqrt(A)^2 = A, for a random 12x12 SPD matrix', () => {
    const d = 12;
    const a = randomSpd(d, new Rng(1));
    const { values, vectors } = symmetricEigen(a, d);
    const rebuilt = new Float64Array(d * d);
    for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) rebuilt[i * d + j] += vectors[i * d + k] * values[k] * vectors[j * d + k];
    const root = symmetricSqrt(a, d);
    const squared = matmul(root, root, d);
    for (let i = 0; i < d * d; i++) {
      expect(rebuilt[i]).toBeCloseTo(a[i], 10);
      expect(squared[i]).toBeCloseTo(a[i], 10);
      expect(root[i]).toBeCloseTo(root[(i % d) * d + Math.floor(i / d)], 12);
    }
  });

  it('rejects a non-square or non-symmetric matrix with a clear error', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/n\*n = 4/);
    expect(() => symmetricEigen([1, 2, 0, 1], 2)).toThrow(/not symmetric/);
  });
});

describe('frechetDistance', () => {
  it('is ~0 between a set of features and itself', () => {
    const rng = new Rng(2);
    const d = 16;
    const n = 300;
    const f = rng.normalArray(n * d);
    for (let i = 0; i < f.length; i++) f[i] = f[i] * (1 + (i % d)) + (i % 3);
    const s = gaussianStats(f, d);
    expect(frechetDistance(s, s)).toBeLessThan(1e-8);
  });

  it('matches the closed form for diagonal Gaussians: |dmu|^2 + sum (sqrt(a_i) - sqrt(b_i))^2', () => {
    const stats = (mean: number[], variances: number[]): GaussianStats => {
      const d = mean.length;
      const cov = new Float64Array(d * d);
      variances.forEach((v, i) => (cov[i * d + i] = v));
      return { dim: d, mean: Float64Array.from(mean), cov };
    };
    const a = stats([0, 1, 2], [1, 4, 9]);
    const b = stats([1, 1, 0], [4, 1, 9]);
    // |dmu|^2 = 1 + 0 + 4 = 5; (1-2)^2 + (2-1)^2 + 0 = 2.
    expect(frechetDistance(a, b)).toBeCloseTo(7, 10);
  });

  it('matches the 2x2 closed form tr A + tr B - 2 sqrt(tr(AB) + 2 sqrt(det A det B)) for non-commuting covariances', () => {
    const a = Float64Array.from([2, 0.5, 0.5, 1]);
    const b = Float64Array.from([1, -0.7, -0.7, 3]);
    const ab = matmul(a, b, 2);
    const detA = 2 * 1 - 0.25;
    const detB = 3 - 0.49;
    const expected = 0.3 ** 2 + 3 + 4 - 2 * Math.sqrt(ab[0] + ab[3] + 2 * Math.sqrt(detA * detB));
    const fd = frechetDistance({ dim: 2, mean: Float64Array.from([0.3, 0]), cov: a }, { dim: 2, mean: Float64Array.from([0, 0]), cov: b });
    expect(fd).toBeCloseTo(expected, 10);
  });

  it('from samples, approaches the FD of the Gaussians they were drawn from', () => {
    const rng = new Rng(3);
    const n = 20000;
    // x ~ N(0, I_2), y ~ N((1, 0), diag(4, 1)): FD = 1 + (2 - 1)^2 = 2.
    const x = rng.normalArray(2 * n);
    const y = rng.normalArray(2 * n);
    for (let i = 0; i < n; i++) {
      y[2 * i] = 1 + 2 * y[2 * i];
    }
    expect(frechetDistance(gaussianStats(x, 2), gaussianStats(y, 2))).toBeCloseTo(2, 1);
  });

  it('gaussianStats: unbiased covariance of hand-made rows, and clear errors', () => {
    const s = gaussianStats([1, 2, 3, 6], 2);
    expect(Array.from(s.mean)).toEqual([2, 4]);
    // Rows (1, 2), (3, 6): var x = 2, var y = 8, cov = 4 (n - 1 = 1).
    expect(Array.from(s.cov)).toEqual([2, 4, 4, 8]);
    expect(() => gaussianStats([1, 2, 3], 2)).toThrow(/n >= 2 rows of 2/);
    expect(() => frechetDistance(s, gaussianStats([1, 2, 3, 4, 5, 6], 3))).toThrow(/dims differ/);
  });
});
