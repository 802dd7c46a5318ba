import { symmetricSqrt } from '@proj/core';

/** Mean and covariance of a set of feature vectors. */
export interface GaussianStats {
  dim: number;
  mean: Float64Array;
  /** Row-major dim x dim, unbiased (divides by n - 1, as numpy's `np.cov` in the FID code). */
  cov: Float64Array;
}

/** Mean and covariance of `n = features.length / dim` row vectors. */
export function gaussianStats(features: ArrayLike<number>, dim: number): GaussianStats {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`gaussianStats: dim must be a positive integer, got ${dim}`);
  const n = features.length / dim;
  if (!Number.isInteger(n) || n < 2) throw new Error(`gaussianStats: features must hold n >= 2 rows of ${dim} values, got ${features.length} values`);
  const mean = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let i = 0; i < dim; i++) mean[i] += features[r * dim + i];
  for (let i = 0; i < dim; i++) mean[i] /= n;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < dim; i++) {
      const x = features[r * dim + i];
      if (!Number.isFinite(x)) throw new Error(`gaussianStats: feature [${r}, ${i}] is ${x}`);
      centred[i] = x - mean[i];
    }
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      for (let j = i; j < dim; j++) cov[i * dim + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) cov[i * dim + j] = cov[j * dim + i] = cov[i * dim + j] / (n - 1);
  }
  return { dim, mean, cov };
}

/**
 * Frechet distance between the Gaussians N(mu_a, S_a) and N(mu_b, S_b)
 * (Dowson & Landau 1982; FID, Heusel et al. 2017):
 * |mu_a - mu_b|^2 + tr(S_a) + tr(S_b) - 2 tr((S_a^1/2 S_b S_a^1/2)^1/2).
 * tr((S_a S_b)^1/2) is computed in that symmetric form, so both square roots
 * are of symmetric PSD matrices (eigendecompositions, no complex round-off
 * as with scipy's sqrtm on the non-symmetric S_a S_b).
 */
export function frechetDistance(a: GaussianStats, b: GaussianStats): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: dims differ (${a.dim} vs ${b.dim})`);
  const d = a.dim;
  let meanTerm = 0;
  let traces = 0;
  for (let i = 0; i < d; i++) {
    meanTerm += (a.mean[i] - b.mean[i]) ** 2;
    traces += a.cov[i * d + i] + b.cov[i * d + i];
  }
  const rootA = symmetricSqrt(a.cov, d);
  const m = multiply(multiply(rootA, b.cov, d), rootA, d);
  // Exact symmetry for the eigensolver (the product is symmetric up to round-off).
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) m[i * d + j] = m[j * d + i] = 0.5 * (m[i * d + j] + m[j * d + i]);
  const root = symmetricSqrt(m, d);
  let crossTrace = 0;
  for (let i = 0; i < d; i++) crossTrace += root[i * d + i];
  // FD >= 0; a tiny negative value is round-off of identical sets.
  return Math.max(0, meanTerm + traces - 2 * crossTrace);
}

function multiply(x: Float64Array, y: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const xik = x[i * d + k];
      if (xik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j] += xik * y[k * d + j];
    }
  }
  return out;
}
