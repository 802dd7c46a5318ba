/**
 * Lanczos iteration for the lowest eigenvalue of a real symmetric operator
 * given only as a matrix-vector product (Lanczos 1950; the textbook
 * three-term recurrence without reorthogonalization, which is enough for
 * the extreme eigenvalue: lost orthogonality only adds spurious copies of
 * converged eigenvalues, Paige 1976).
 */
import { toRng, type Rng } from '@proj/core';

export interface LanczosOptions {
  /** Stop when the lowest Ritz value changes by less than this between steps (default 1e-10, absolute). */
  tol?: number;
  /** At most this many matrix-vector products (default 500). */
  maxIter?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number | Rng;
}

export interface LanczosResult {
  /** Lowest Ritz value at the last step. */
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Lowest eigenvalue of the symmetric tridiagonal matrix with diagonal a[0..k)
 * and off-diagonal b[0..k-1), by Sturm-sequence bisection (count of negative
 * pivots of T - x I = number of eigenvalues below x) to machine precision.
 */
export function tridiagonalLowest(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < k; i++) {
    const r = (i > 0 ? Math.abs(b[i - 1]) : 0) + (i < k - 1 ? Math.abs(b[i]) : 0);
    lo = Math.min(lo, a[i] - r);
    hi = Math.max(hi, a[i] + r);
  }
  const below = (x: number): number => {
    let count = 0;
    let d = 1;
    for (let i = 0; i < k; i++) {
      d = a[i] - x - (i > 0 ? (b[i - 1] * b[i - 1]) / d : 0);
      if (d === 0) d = 1e-300;
      if (d < 0) count++;
    }
    return count;
  };
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo) + Math.abs(hi)); it++) {
    const mid = 0.5 * (lo + hi);
    if (below(mid) >= 1) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/** Lowest eigenvalue of the dim x dim operator `matvec(v, out)` (out = A v). */
export function lanczosLowest(
  matvec: (v: Float64Array, out: Float64Array) => void,
  dim: number,
  opts: LanczosOptions = {},
): LanczosResult {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`lanczos: dim must be a positive integer, got ${dim}`);
  const tol = opts.tol ?? 1e-10;
  const maxIter = Math.min(opts.maxIter ?? 500, dim);
  const rng = toRng(opts.seed ?? 0);
  let v = new Float64Array(dim);
  let vPrev = new Float64Array(dim);
  let w = new Float64Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = rng.uniform() - 0.5;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dim; i++) v[i] /= norm;
  const alpha: number[] = [];
  const beta: number[] = [];
  let value = Infinity;
  for (let k = 0; k < maxIter; k++) {
    matvec(v, w);
    let a = 0;
    for (let i = 0; i < dim; i++) a += w[i] * v[i];
    alpha.push(a);
    const bPrev = k > 0 ? beta[k - 1] : 0;
    let b2 = 0;
    for (let i = 0; i < dim; i++) {
      w[i] -= a * v[i] + bPrev * vPrev[i];
      b2 += w[i] * w[i];
    }
    const next = tridiagonalLowest(alpha, beta, k + 1);
    const change = Math.abs(next - value);
    value = next;
    const b = Math.sqrt(b2);
    // b = 0: the Krylov space is invariant, so its Ritz values are exact.
    if (change < tol || b < 1e-14) return { value, iterations: k + 1, converged: true };
    beta.push(b);
    for (let i = 0; i < dim; i++) w[i] /= b;
    [vPrev, v, w] = [v, w, vPrev];
  }
  return { value, iterations: maxIter, converged: maxIter === dim };
}
