import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { frechetDistance, gaussianStats, type GaussianStats } from '../src/index.js';

function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

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
