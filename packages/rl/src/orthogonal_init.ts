/**
 * Orthogonal initialization (Saxe, McClelland & Ganguli 2014): a [rows, cols]
 * matrix with orthonormal columns (or rows, when rows < cols) times `gain`,
 * from the QR decomposition of a standard normal matrix, done here by modified
 * Gram-Schmidt in float64 with a seeded Rng (tfjs-layers' orthogonal
 * initializer needs the chained-op API that @proj/core does not load).
 */
import type { Rng } from '@proj/core';

export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new Error(`orthogonal: rows and cols must be integers >= 1, got ${rows}, ${cols}`);
  }
  // Orthonormalize the k = min(rows, cols) vectors of length m = max(rows, cols).
  const m = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const q = Array.from({ length: k }, () => Float64Array.from({ length: m }, () => rng.normal()));
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let r = 0; r < m; r++) dot += q[i][r] * q[j][r];
      for (let r = 0; r < m; r++) q[j][r] -= dot * q[i][r];
    }
    let norm = 0;
    for (let r = 0; r < m; r++) norm += q[j][r] * q[j][r];
    norm = Math.sqrt(norm);
    for (let r = 0; r < m; r++) q[j][r] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c][r] : q[r][c]);
  }
  return out;
}
