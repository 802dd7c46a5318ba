/**
 * Solves A x = b for a symmetric positive definite n x n matrix A (row-major)
 * by Cholesky factorization A = L L^T. Used for the dense SR system (few
 * parameters) and for minSR's samples x samples system.
 */
export function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  if (A.length !== n * n) throw new Error(`choleskySolve: A must have ${n * n} entries, got ${A.length}`);
  if (b.length !== n) throw new Error(`choleskySolve: b must have ${n} entries, got ${b.length}`);
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`choleskySolve: matrix is not positive definite (pivot ${i} = ${s}); increase the diagonal shift`);
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}
