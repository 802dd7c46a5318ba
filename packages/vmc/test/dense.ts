/** Test helpers: dense matrices of small sectors and a Jacobi eigensolver, independent of lanczos.ts. */
import { sparseHamiltonian, type Operator } from '../src/index.js';

export function denseHamiltonian(op: Operator): { H: Float64Array; dim: number; configs: Int8Array } {
  const h = sparseHamiltonian(op);
  const H = new Float64Array(h.dim * h.dim);
  for (let r = 0; r < h.dim; r++) for (let p = h.rowStart[r]; p < h.rowStart[r + 1]; p++) H[r * h.dim + h.cols[p]] += h.vals[p];
  return { H, dim: h.dim, configs: h.configs };
}

/** Cyclic Jacobi rotations on a symmetric matrix: all eigenvalues (ascending) and eigenvectors (columns). */
export function jacobiEigen(A0: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const A = A0.slice();
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => A[a * n + a] - A[b * n + b]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = V[k * n + src];
  });
  return { values: order.map((i) => A[i * n + i]), vectors };
}
