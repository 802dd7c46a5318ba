/**
 * J1-J2 Heisenberg model in S.S units (S = sigma/2):
 *   H = J1 sum_<ij> S_i.S_j + J2 sum_<<ij>> S_i.S_j,
 *   S_i.S_j = S^z_i S^z_j + (S^+_i S^-_j + S^-_i S^+_j) / 2.
 * So H_xx = sum_b J_b x_i x_j / 4 (x = +-1), and each bond with opposite
 * spins connects x to x with the two spins swapped, element J_b / 2.
 * NetKet's `Heisenberg` uses Pauli matrices, i.e. energies 4x these.
 */
import { spinHilbert, type Hilbert } from './hilbert.js';
import type { SquareLattice } from './lattice.js';
import type { Operator } from './operator.js';

export interface J1J2Options {
  /** Nearest-neighbour coupling (default 1, the energy unit of the paper). */
  j1?: number;
  /** Next-nearest coupling (default 0; the paper's frustrated point is 0.5). */
  j2?: number;
}

export class J1J2Heisenberg implements Operator {
  readonly hilbert: Hilbert;
  readonly maxConnected: number;
  readonly j1: number;
  readonly j2: number;
  /** Bonds as flat (i, j) pairs and their couplings (zero-coupling bonds dropped). */
  private readonly bi: Int32Array;
  private readonly bj: Int32Array;
  private readonly bJ: Float64Array;

  constructor(readonly lattice: SquareLattice, opts: J1J2Options = {}) {
    this.j1 = opts.j1 ?? 1;
    this.j2 = opts.j2 ?? 0;
    for (const [name, v] of [['j1', this.j1], ['j2', this.j2]] as const) {
      if (!Number.isFinite(v)) throw new Error(`J1J2Heisenberg: ${name} must be a finite number, got ${v}`);
    }
    this.hilbert = spinHilbert(lattice.n);
    const bonds = [
      ...(this.j1 !== 0 ? lattice.bonds1.map((b) => [b[0], b[1], this.j1] as const) : []),
      ...(this.j2 !== 0 ? lattice.bonds2.map((b) => [b[0], b[1], this.j2] as const) : []),
    ];
    this.bi = Int32Array.from(bonds, (b) => b[0]);
    this.bj = Int32Array.from(bonds, (b) => b[1]);
    this.bJ = Float64Array.from(bonds, (b) => b[2]);
    this.maxConnected = bonds.length;
  }

  diagonal(x: Int8Array): number {
    let e = 0;
    for (let b = 0; b < this.bi.length; b++) e += this.bJ[b] * x[this.bi[b]] * x[this.bj[b]];
    return 0.25 * e;
  }

  offDiagonal(x: Int8Array, pairs: Int32Array, mels: Float64Array): number {
    let m = 0;
    for (let b = 0; b < this.bi.length; b++) {
      const i = this.bi[b];
      const j = this.bj[b];
      if (x[i] === x[j]) continue;
      pairs[2 * m] = i;
      pairs[2 * m + 1] = j;
      mels[m++] = 0.5 * this.bJ[b];
    }
    return m;
  }
}
