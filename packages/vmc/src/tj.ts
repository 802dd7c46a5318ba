/**
 * t-J model on the nearest-neighbour bonds:
 *   H = -t sum_<ij>,s P (c+_is c_js + h.c.) P + J sum_<ij> (S_i.S_j - n_i n_j / 4),
 * P projecting out double occupancy. Basis states are
 * c+_{i1 s1} c+_{i2 s2} ... |0> with i1 < i2 < ... in the row-major site
 * order of lattice.ts. Moving an electron from j to the empty site i
 * reorders the creation operators past the electrons strictly between i and
 * j, so the hop element is -t (-1)^(number of electrons strictly between).
 * The spin flip-flop c+_i^ c_iv c+_jv c_j^ moves no electron past another
 * (both sites stay occupied), so its element is +J/2 without sign. Diagonal:
 * J (x_i x_j / 4 - 1/4) on occupied bonds: -J/2 antiparallel, 0 parallel.
 */
import { tjHilbert, type Hilbert } from './hilbert.js';
import type { SquareLattice } from './lattice.js';
import type { Operator } from './operator.js';

export interface TJOptions {
  /** Hopping (default 1, the energy unit). */
  t?: number;
  /** Exchange (default 0.4, the paper's and the classic 4x4 ED value J/t = 0.4). */
  j?: number;
  /** Number of empty sites (default 2). */
  holes?: number;
}

export class TJModel implements Operator {
  readonly hilbert: Hilbert;
  readonly maxConnected: number;
  readonly t: number;
  readonly j: number;
  private readonly bi: Int32Array;
  private readonly bj: Int32Array;

  constructor(readonly lattice: SquareLattice, opts: TJOptions = {}) {
    this.t = opts.t ?? 1;
    this.j = opts.j ?? 0.4;
    for (const [name, v] of [['t', this.t], ['j', this.j]] as const) {
      if (!Number.isFinite(v)) throw new Error(`TJModel: ${name} must be a finite number, got ${v}`);
    }
    this.hilbert = tjHilbert(lattice.n, opts.holes ?? 2);
    this.bi = Int32Array.from(lattice.bonds1, (b) => b[0]);
    this.bj = Int32Array.from(lattice.bonds1, (b) => b[1]);
    this.maxConnected = lattice.bonds1.length;
  }

  diagonal(x: Int8Array): number {
    let e = 0;
    for (let b = 0; b < this.bi.length; b++) {
      const p = x[this.bi[b]] * x[this.bj[b]];
      // p = 0 when a site is empty (n_i n_j = 0), +-1 for parallel/antiparallel.
      if (p !== 0) e += 0.25 * p - 0.25;
    }
    return this.j * e;
  }

  offDiagonal(x: Int8Array, pairs: Int32Array, mels: Float64Array): number {
    let m = 0;
    for (let b = 0; b < this.bi.length; b++) {
      const i = this.bi[b];
      const j = this.bj[b];
      const xi = x[i];
      const xj = x[j];
      if (xi === xj) continue;
      let mel: number;
      if (xi !== 0 && xj !== 0) {
        if (this.j === 0) continue;
        mel = 0.5 * this.j;
      } else {
        if (this.t === 0) continue;
        let between = 0;
        for (let k = i + 1; k < j; k++) if (x[k] !== 0) between++;
        mel = between % 2 === 0 ? -this.t : this.t;
      }
      pairs[2 * m] = i;
      pairs[2 * m + 1] = j;
      mels[m++] = mel;
    }
    return m;
  }
}
