/**
 * Eigendecomposition of a symmetric matrix by the cyclic Jacobi method
 * (Golub & Van Loan, Matrix Computations, Sec. 8.5): plane rotations zero
 * the off-diagonal entries one pair at a time until their norm is below
 * `tol` times the matrix norm. Accurate to working precision for symmetric
 * input, including repeated and zero eigenvalues; O(n^3) per sweep, fine for
 * the few-hundred-dimensional feature spaces of a Frechet distance.
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number, tol = 1e-12, maxSweeps = 100): { values: Float64Array; vectors: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`symmetricEigen: n must be a positive integer, got ${n}`);
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: matrix has ${matrix.length} entries, expected n*n = ${n * n}`);
  const a = Float64Array.from(matrix);
  let norm = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = a[i * n + j];
      if (!Number.isFinite(x)) throw new Error(`symmetricEigen: entry [${i}, ${j}] is ${x}`);
      if (Math.abs(x - a[j * n + i]) > 1e-6 * (Math.abs(x) + Math.abs(a[j * n + i]) + 1e-30)) {
        throw new Error(`symmetricEigen: matrix is not symmetric at [${i}, ${j}]`);
      }
      norm += x * x;
    }
  }
  // Symmetrize exactly so that rotations keep it symmetric.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i] = 0.5 * (a[i * n + j] + a[j * n + i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const threshold = tol * tol * norm;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += 2 * a[i * n + j] ** 2;
    if (off <= threshold) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q] (the smaller root, for stability).
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  // vectors: column j of the row-major n x n array is the eigenvector of values[j].
  return { values, vectors: v };
}

/**
 * The symmetric positive semi-definite square root of a symmetric PSD matrix:
 * V diag(sqrt(max(lambda, 0))) V^T. Eigenvalues below 0 are round-off of a
 * PSD matrix and clip to 0.
 */
export function symmetricSqrt(matrix: ArrayLike<number>, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const r = Math.sqrt(Math.max(values[k], 0));
    if (r === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * r;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return out;
}
