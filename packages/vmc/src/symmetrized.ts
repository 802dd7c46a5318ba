/**
 * Symmetrization (projection onto the fully symmetric sector):
 * psi_sym(x) = sum over operations g of psi(g x), where g permutes sites
 * (a translation, rotation or reflection of the torus) and optionally flips
 * every spin. The 4x4 J1-J2 ground states (J2 = 0 and 0.5) lie in the sector
 * with momentum zero, the trivial (A1) representation of the point group
 * C4v and even spin-flip parity, so summing over these operations removes
 * every component the network might put elsewhere; networks that are
 * already invariant under a subgroup (the CNN of cnn.ts under shifts by two
 * sites) need one operation per coset only (`cnnSymmetries`).
 * The terms carry signs, so the sum is a signed log-sum-exp, and
 * d log|psi_sym| / d theta = sum_g (psi(g x) / psi_sym(x)) O(g x).
 *
 * For t-J, moving fermions reorders the creation operators of the basis
 * state (row-major site order, tj.ts): the site permutation g acts as
 * U_g |x> = s_g(x) |g x> with s_g(x) the sign of the permutation that sorts
 * g(i_1), g(i_2), ... over the occupied sites i_1 < i_2 < ..., and the
 * projection is psi_sym(x) = sum_g s_g(x) psi(g x). (The inner state must
 * then be invariant under the subgroup in the same fermionic sense, as the
 * SlaterJastrow pairing form with tied pairs is.)
 */
import type { SquareLattice } from './lattice.js';
import type { Hilbert } from './hilbert.js';
import { WaveFunctionWrapper, type LogPsi, type WaveFunction } from './model.js';
import { forEachSwapped } from './swap.js';

/** One symmetry operation: site i of x goes to site map[i]; `flip` also reverses every spin. */
export interface SymmetryOp {
  map: Int32Array;
  flip: boolean;
}

export interface CnnSymmetryOptions {
  /** Also the point group about a site: C4v (8 operations) on L x L, the 4 reflections otherwise (default true). */
  pointGroup?: boolean;
  /** Also the global spin flip, for Sz = 0 sectors (default true). */
  spinFlip?: boolean;
}

/**
 * The point-group operations about site 0 of an L1 x L2 torus, as maps of
 * (r, c): rotations by 90 degrees need L1 = L2.
 */
function pointGroup(lattice: SquareLattice): ((r: number, c: number) => [number, number])[] {
  const ops: ((r: number, c: number) => [number, number])[] = [
    (r, c) => [r, c],
    (r, c) => [-r, c],
    (r, c) => [r, -c],
    (r, c) => [-r, -c],
  ];
  if (lattice.L1 === lattice.L2) ops.push((r, c) => [c, r], (r, c) => [-c, r], (r, c) => [c, -r], (r, c) => [-c, -r]);
  return ops;
}

/**
 * Coset representatives of the space group (times spin flip) modulo the
 * shifts by two sites that the CNN's 2x2 pooling already respects:
 * translations by (0|1, 0|1) composed with the point group.
 */
export function cnnSymmetries(lattice: SquareLattice, opts: CnnSymmetryOptions = {}): SymmetryOp[] {
  const { L1, L2, n } = lattice;
  const points = (opts.pointGroup ?? true) ? pointGroup(lattice) : pointGroup(lattice).slice(0, 1);
  const flips = (opts.spinFlip ?? true) ? [false, true] : [false];
  const out: SymmetryOp[] = [];
  for (const flip of flips) {
    for (const g of points) {
      for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const map = new Int32Array(n);
        for (let r = 0; r < L1; r++) {
          for (let c = 0; c < L2; c++) {
            const [gr, gc] = g(r + dr, c + dc);
            map[r * L2 + c] = (((gr % L1) + L1) % L1) * L2 + (((gc % L2) + L2) % L2);
          }
        }
        out.push({ map, flip });
      }
    }
  }
  return out;
}

export class Symmetrized extends WaveFunctionWrapper {
  private readonly xs: Int8Array;
  /** The images' log-derivatives, one row of numParams per operation. */
  private readonly gradT: Float64Array;
  private readonly la: Float64Array;
  private readonly sg: Float64Array;
  /** Present when the inner model has the fast path. */
  readonly logPsiSwapped?: WaveFunction['logPsiSwapped'];

  constructor(
    inner: WaveFunction,
    readonly hilbert: Hilbert,
    readonly lattice: SquareLattice,
    readonly ops: readonly SymmetryOp[] = cnnSymmetries(lattice),
  ) {
    super(inner);
    if (!lattice.pbc) throw new Error('Symmetrized: needs periodic boundaries');
    if (ops.length === 0) throw new Error('Symmetrized: ops must not be empty');
    for (const [k, op] of ops.entries()) {
      if (op.map.length !== lattice.n || new Set(op.map).size !== lattice.n || op.map.some((s) => s < 0 || s >= lattice.n)) {
        throw new Error(`Symmetrized: ops[${k}].map must be a permutation of the ${lattice.n} sites`);
      }
      if (op.flip && hilbert.kind !== 'spin') throw new Error(`Symmetrized: ops[${k}] flips spins, supported for spin Hilbert spaces only`);
      if (op.flip && hilbert.nUp !== hilbert.nDown) throw new Error(`Symmetrized: ops[${k}] flips spins, which needs total Sz = 0, got ${hilbert.nUp} up and ${hilbert.nDown} down`);
    }
    this.xs = new Int8Array(lattice.n);
    this.gradT = new Float64Array(ops.length * inner.numParams);
    this.la = new Float64Array(ops.length);
    this.sg = new Float64Array(ops.length);
    const fast = inner.logPsiSwapped?.bind(inner);
    if (fast) {
      // Per operation: the inner fast path on g x with the swapped sites mapped by g.
      const T = ops.length;
      let buf = { pairs: new Int32Array(0), la: new Float64Array(0), sg: new Float64Array(0) };
      this.logPsiSwapped = (x, pairs, m, logAbs, sign) => {
        if (buf.la.length < T * m) buf = { pairs: new Int32Array(2 * m), la: new Float64Array(T * m), sg: new Float64Array(T * m) };
        for (let s = 0; s < T; s++) {
          const map = ops[s].map;
          for (let k = 0; k < 2 * m; k++) buf.pairs[k] = map[pairs[k]];
          fast(this.transformed(x, s), buf.pairs, m, buf.la.subarray(s * m, (s + 1) * m), buf.sg.subarray(s * m, (s + 1) * m));
          if (this.fermions) {
            forEachSwapped(x, pairs, m, (k) => {
              buf.sg[s * m + k] *= this.fermionSign(x, s);
            });
          }
        }
        for (let k = 0; k < m; k++) {
          for (let s = 0; s < T; s++) {
            this.la[s] = buf.la[s * m + k];
            this.sg[s] = buf.sg[s * m + k];
          }
          const r = this.combine();
          logAbs[k] = r.logAbs;
          sign[k] = r.sign;
        }
      };
    }
  }

  private get fermions(): boolean {
    return this.hilbert.kind === 'tj';
  }

  /** s_g(x): (-1)^(inversions of g over the occupied sites of x). */
  private fermionSign(x: Int8Array, s: number): number {
    const map = this.ops[s].map;
    let inversions = 0;
    for (let a = 0; a < x.length; a++) {
      if (x[a] === 0) continue;
      for (let b = a + 1; b < x.length; b++) if (x[b] !== 0 && map[b] < map[a]) inversions++;
    }
    return inversions % 2 === 0 ? 1 : -1;
  }

  private transformed(x: Int8Array, s: number): Int8Array {
    const { map, flip } = this.ops[s];
    if (flip) for (let i = 0; i < x.length; i++) this.xs[map[i]] = -x[i];
    else for (let i = 0; i < x.length; i++) this.xs[map[i]] = x[i];
    return this.xs;
  }

  /** Signed log-sum-exp of the terms in this.la / this.sg. */
  private combine(): LogPsi {
    let max = -Infinity;
    for (const v of this.la) max = Math.max(max, v);
    if (max === -Infinity) return { logAbs: -Infinity, sign: 1 };
    let sum = 0;
    for (let s = 0; s < this.la.length; s++) sum += this.sg[s] * Math.exp(this.la[s] - max);
    return { logAbs: max + Math.log(Math.abs(sum)), sign: sum < 0 ? -1 : 1 };
  }

  logPsi(x: Int8Array): LogPsi {
    for (let s = 0; s < this.ops.length; s++) {
      const r = this.inner.logPsi(this.transformed(x, s));
      this.la[s] = r.logAbs;
      this.sg[s] = this.fermions ? r.sign * this.fermionSign(x, s) : r.sign;
    }
    return this.combine();
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    const P = this.numParams;
    if (grad.length < offset + P) throw new Error(`Symmetrized.logPsiGrad: grad needs ${offset + P} entries, has ${grad.length}`);
    // One pass over the images: each term's log psi comes with its gradient (row s of gradT).
    for (let s = 0; s < this.ops.length; s++) {
      const r = this.inner.logPsiGrad(this.transformed(x, s), this.gradT, s * P);
      this.la[s] = r.logAbs;
      this.sg[s] = this.fermions ? r.sign * this.fermionSign(x, s) : r.sign;
    }
    const res = this.combine();
    grad.fill(0, offset, offset + P);
    for (let s = 0; s < this.ops.length; s++) {
      // Weight psi(g x) / psi_sym(x), signed.
      const w = this.sg[s] * res.sign * Math.exp(this.la[s] - res.logAbs);
      if (w === 0) continue;
      for (let k = 0; k < P; k++) grad[offset + k] += w * this.gradT[s * P + k];
    }
    return res;
  }
}
