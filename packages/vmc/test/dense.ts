/** Test helpers: dense matrices of small sectors and full eigendecomposition by core's Jacobi solver, independent of lanczos.ts. */
import { symmetricEigen } from '@proj/core';
import { sparseHamiltonian, type Operator } from '../src/index.js';

export function denseHamiltonian(op: Operator): { H: Float64Array; dim: number; configs: Int8Array } {
  const h = sparseHamiltonian(op);
  const H = new Float64Array(h.dim * h.dim);
  for (let r = 0; r < h.dim; r++) for (let p = h.rowStart[r]; p < h.rowStart[r + 1]; p++) H[r * h.dim + h.cols[p]] += h.vals[p];
  return { H, dim: h.dim, configs: h.configs };
}

/** All eigenvalues (ascending) and eigenvectors (columns) by core's Jacobi solver. */
export function jacobiEigen(A: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const { values, vectors: V } = symmetricEigen(A, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src];
  });
  return { values: order.map((i) => values[i]), vectors };
}
