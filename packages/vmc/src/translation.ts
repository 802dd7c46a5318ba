/**
 * Translation symmetrization: psi_sym(x) = sum over shifts T of psi(T x).
 * The CNN of cnn.ts is already invariant under translations by two sites
 * (periodic convolutions, 2x2 pooling cells map to cells), so summing over
 * the four shifts (0|1, 0|1) makes it invariant under every translation,
 * i.e. a momentum-zero state, where the 4x4 J1-J2 ground states lie.
 * The terms carry signs, so the sum is a signed log-sum-exp, and
 * d log|psi_sym| / d theta = sum_T (psi(T x) / psi_sym(x)) O(T x).
 *
 * Spins only: translating fermions reorders creation operators, which
 * multiplies each term by a permutation sign that the two-site invariance of
 * the CNN does not include, so a t-J projection would need all L1*L2 shifts.
 */
import type { SquareLattice } from './lattice.js';
import type { Hilbert } from './hilbert.js';
import { WaveFunctionWrapper, type LogPsi, type WaveFunction } from './model.js';

export class TranslationSymmetric extends WaveFunctionWrapper {
  /** maps[s][i]: the site that site i moves to under shift s. */
  private readonly maps: Int32Array[];
  private readonly xs: Int8Array;
  private readonly gradT: Float64Array;
  private readonly la: Float64Array;
  private readonly sg: Float64Array;
  /** Present when the inner model has the fast path. */
  readonly logPsiSwapped?: WaveFunction['logPsiSwapped'];

  constructor(
    inner: WaveFunction,
    readonly hilbert: Hilbert,
    readonly lattice: SquareLattice,
    shifts: readonly (readonly [number, number])[] = [[0, 0], [0, 1], [1, 0], [1, 1]],
  ) {
    super(inner);
    if (hilbert.kind !== 'spin') throw new Error('TranslationSymmetric: spin Hilbert spaces only (fermion translations carry permutation signs)');
    if (!lattice.pbc) throw new Error('TranslationSymmetric: needs periodic boundaries');
    if (shifts.length === 0) throw new Error('TranslationSymmetric: shifts must not be empty');
    const { L1, L2 } = lattice;
    this.maps = shifts.map(([dr, dc]) => {
      const m = new Int32Array(lattice.n);
      for (let r = 0; r < L1; r++) for (let c = 0; c < L2; c++) m[r * L2 + c] = ((r + dr) % L1) * L2 + ((c + dc) % L2);
      return m;
    });
    this.xs = new Int8Array(lattice.n);
    this.gradT = new Float64Array(inner.numParams);
    this.la = new Float64Array(shifts.length);
    this.sg = new Float64Array(shifts.length);
    const fast = inner.logPsiSwapped?.bind(inner);
    if (fast) {
      // Per shift: the inner fast path on T x with the swapped sites mapped by T.
      const T = shifts.length;
      let buf = { pairs: new Int32Array(0), la: new Float64Array(0), sg: new Float64Array(0) };
      this.logPsiSwapped = (x, pairs, m, logAbs, sign) => {
        if (buf.la.length < T * m) buf = { pairs: new Int32Array(2 * m), la: new Float64Array(T * m), sg: new Float64Array(T * m) };
        for (let s = 0; s < T; s++) {
          const map = this.maps[s];
          for (let k = 0; k < 2 * m; k++) buf.pairs[k] = map[pairs[k]];
          fast(this.shifted(x, s), buf.pairs, m, buf.la.subarray(s * m, (s + 1) * m), buf.sg.subarray(s * m, (s + 1) * m));
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

  private shifted(x: Int8Array, s: number): Int8Array {
    const m = this.maps[s];
    for (let i = 0; i < x.length; i++) this.xs[m[i]] = x[i];
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
    for (let s = 0; s < this.maps.length; s++) {
      const r = this.inner.logPsi(this.shifted(x, s));
      this.la[s] = r.logAbs;
      this.sg[s] = r.sign;
    }
    return this.combine();
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    const P = this.numParams;
    if (grad.length < offset + P) throw new Error(`TranslationSymmetric.logPsiGrad: grad needs ${offset + P} entries, has ${grad.length}`);
    const res = this.logPsi(x);
    grad.fill(0, offset, offset + P);
    for (let s = 0; s < this.maps.length; s++) {
      // Weight psi(T x) / psi_sym(x), signed.
      const w = this.sg[s] * res.sign * Math.exp(this.la[s] - res.logAbs);
      if (w === 0) continue;
      this.inner.logPsiGrad(this.shifted(x, s), this.gradT, 0);
      for (let k = 0; k < P; k++) grad[offset + k] += w * this.gradT[k];
    }
    return res;
  }
}
