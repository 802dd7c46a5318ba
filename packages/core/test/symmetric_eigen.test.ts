import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';
import { symmetricEigen, symmetricSqrt } from '../src/linalg/symmetric_eigen.js';

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
