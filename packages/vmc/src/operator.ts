/**
 * The operator layer (NetKet's `DiscreteOperator`, specialised): for a
 * configuration x, the diagonal element H_xx and the connected x' != x with
 * their elements H_xx'. Every off-diagonal term of the J1-J2 and t-J
 * Hamiltonians exchanges the contents of two sites (a spin flip-flop or an
 * electron hop), so a connected configuration is stored as the pair of
 * sites (i, j) to swap, which spares copying x for every x'.
 */
import type { Hilbert } from './hilbert.js';

export interface Operator {
  readonly hilbert: Hilbert;
  /** Upper bound on the number of off-diagonal connections of any x (buffer size). */
  readonly maxConnected: number;
  /** H_xx. */
  diagonal(x: Int8Array): number;
  /**
   * Writes the off-diagonal connections of x: x' is x with sites
   * `pairs[2k]` and `pairs[2k + 1]` swapped, H_xx' = `mels[k]`. Returns their count.
   */
  offDiagonal(x: Int8Array, pairs: Int32Array, mels: Float64Array): number;
}

/** Swaps x[i] and x[j] in place; a second call restores x. */
export function swapSites(x: Int8Array, i: number, j: number): void {
  const xi = x[i];
  x[i] = x[j];
  x[j] = xi;
}

/** Buffers sized for `offDiagonal` of `op`. */
export function connectionBuffers(op: Operator): { pairs: Int32Array; mels: Float64Array } {
  return { pairs: new Int32Array(2 * op.maxConnected), mels: new Float64Array(op.maxConnected) };
}

/** The list of (x', H_xx') of x including the diagonal (for tests and small-space checks). */
export function connectedElements(op: Operator, x: Int8Array): { x: Int8Array; mel: number }[] {
  const out = [{ x: x.slice(), mel: op.diagonal(x) }];
  const { pairs, mels } = connectionBuffers(op);
  const m = op.offDiagonal(x, pairs, mels);
  for (let k = 0; k < m; k++) {
    const y = x.slice();
    swapSites(y, pairs[2 * k], pairs[2 * k + 1]);
    out.push({ x: y, mel: mels[k] });
  }
  return out;
}
