/**
 * Slater-Jastrow state for the t-J model: psi(x) = D(x) J(x), where D is a
 * Gutzwiller-projected Slater determinant (Gros 1989; the standard fermionic
 * variational state of the t-J model) with variational orbitals, and J is a
 * network (the CNN) acting as a many-body Jastrow factor. The determinant
 * carries the fermion signs, which a real network of local features cannot
 * learn from the configuration alone; the network corrects amplitudes (and,
 * through negative outputs, signs).
 *
 * Amplitudes in the basis of tj.ts (creation operators in row-major site
 * order): for |D> = prod_k b+_{k up} prod_k b+_{k down} |0> with
 * b+_{k s} = sum_i phi_s[i, k] c+_{i s},
 *   <x|D> = (-1)^(pairs of an up electron after a down one in site order)
 *           det phi_up[up sites, :] det phi_down[down sites, :],
 * the sign being that of moving every down operator behind the up ones; no
 * doubly occupied x exists in the t-J space, which is the projection.
 * d log|det A| / d A_ak = (A^-1)_ka gives the orbital log-derivatives.
 *
 * The pairing form (the default for nUp = nDown) replaces the two
 * determinants by det F[up sites, down sites] of a singlet pair function F
 * (the projected BCS / RVB state at fixed particle number).
 *
 * Orbitals start as the lowest eigenvectors of a spin-density-wave mean
 * field, -t hopping plus a staggered field s * stagger * (-1)^sublattice
 * (F = phi_up phi_down^T), plus seeded noise that picks a state within
 * degenerate levels.
 */
import { symmetricEigen, toRng, type Rng } from '@proj/core';
import type { Hilbert } from './hilbert.js';
import type { SquareLattice } from './lattice.js';
import type { LogPsi, WaveFunction } from './model.js';
import { forEachSwapped } from './swap.js';

export interface SlaterConfig {
  /** Staggered field of the initial mean-field orbitals, in units of t (default 0.5, our choice: an antiferromagnetic start). */
  stagger?: number;
  /** Std of the noise added to the initial orbitals (default 0.01). */
  noise?: number;
  /**
   * 'slater': orbitals phi_up, phi_down; 'pairing': a singlet pair function
   * F(i, j) (needs nUp = nDown), the projected BCS / RVB state at fixed
   * particle number, which contains every Slater state as F = phi_up phi_down^T
   * (default 'pairing' when nUp = nDown, else 'slater').
   */
  form?: 'slater' | 'pairing';
  /**
   * Pairing form: tie F(i, j) = F(i + a, j + a) for shifts a by two sites,
   * the invariance of the CNN (and of an antiferromagnetic mean field), so
   * that `Symmetrized` over the four remaining shifts projects onto momentum
   * zero; 4n parameters instead of n^2 (default true when the lattice is
   * periodic with even sides).
   */
  tiedPairs?: boolean;
}

/** log|det|, sign and (optionally) the inverse of the m x m matrix A (row-major, overwritten by its LU factors). */
function logDet(A: Float64Array, m: number, inv: Float64Array | null, piv: Int32Array): LogPsi {
  let logAbs = 0;
  let sign = 1;
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r * m + c]) > Math.abs(A[p * m + c])) p = r;
    piv[c] = p;
    if (A[p * m + c] === 0) return { logAbs: -Infinity, sign: 1 };
    if (p !== c) {
      for (let k = 0; k < m; k++) {
        const t = A[c * m + k];
        A[c * m + k] = A[p * m + k];
        A[p * m + k] = t;
      }
      sign = -sign;
    }
    const d = A[c * m + c];
    if (d < 0) sign = -sign;
    logAbs += Math.log(Math.abs(d));
    for (let r = c + 1; r < m; r++) {
      const f = (A[r * m + c] /= d);
      if (f !== 0) for (let k = c + 1; k < m; k++) A[r * m + k] -= f * A[c * m + k];
    }
  }
  if (inv) {
    // P A = L U (rows swapped in order c = 0..m-1), so A^-1 solves L U X = P I column by column.
    for (let col = 0; col < m; col++) {
      const e = new Float64Array(m);
      e[col] = 1;
      for (let c = 0; c < m; c++) {
        const p = piv[c];
        if (p !== c) {
          const t = e[c];
          e[c] = e[p];
          e[p] = t;
        }
      }
      for (let r = 1; r < m; r++) for (let k = 0; k < r; k++) e[r] -= A[r * m + k] * e[k];
      for (let r = m - 1; r >= 0; r--) {
        for (let k = r + 1; k < m; k++) e[r] -= A[r * m + k] * e[k];
        e[r] /= A[r * m + r];
      }
      for (let r = 0; r < m; r++) inv[r * m + col] = e[r];
    }
  }
  return { logAbs, sign };
}

export class SlaterJastrow implements WaveFunction {
  readonly numParams: number;
  /** [jastrow parameters | phi_up (n x nUp, row-major) | phi_down (n x nDown)]. */
  readonly params: Float64Array;
  readonly layout: readonly { name: string; shape: number[] }[];
  private readonly pj: number;
  private readonly upOff: number;
  private readonly dnOff: number;
  private readonly A: Float64Array;
  private readonly inv: Float64Array;
  private readonly piv: Int32Array;
  private readonly rows: Int32Array;
  private readonly cols: Int32Array;
  readonly form: 'slater' | 'pairing';
  private readonly pairIndex: Int32Array;
  /** Present when the Jastrow factor has the fast path. */
  readonly logPsiSwapped?: WaveFunction['logPsiSwapped'];

  constructor(
    readonly jastrow: WaveFunction,
    readonly hilbert: Hilbert,
    readonly lattice: SquareLattice,
    config: SlaterConfig = {},
    seed: number | Rng = 0,
  ) {
    if (hilbert.kind !== 'tj') throw new Error('SlaterJastrow: needs a t-J Hilbert space');
    if (hilbert.n !== lattice.n) throw new Error(`SlaterJastrow: hilbert has ${hilbert.n} sites, lattice ${lattice.n}`);
    const { n, nUp, nDown } = hilbert;
    const stagger = config.stagger ?? 0.5;
    const noise = config.noise ?? 0.01;
    if (!Number.isFinite(stagger)) throw new Error(`SlaterJastrow: stagger must be finite, got ${stagger}`);
    if (!(noise >= 0)) throw new Error(`SlaterJastrow: noise must be >= 0, got ${noise}`);
    this.form = config.form ?? (nUp === nDown ? 'pairing' : 'slater');
    if (this.form === 'pairing' && nUp !== nDown) throw new Error(`SlaterJastrow: form 'pairing' needs nUp = nDown, got ${nUp} and ${nDown}`);
    this.pj = jastrow.numParams;
    this.upOff = this.pj;
    this.dnOff = this.pj + n * nUp;
    const { L1, L2 } = lattice;
    const tied = this.form === 'pairing' && (config.tiedPairs ?? (lattice.pbc && L1 % 2 === 0 && L2 % 2 === 0));
    if (tied && !(lattice.pbc && L1 % 2 === 0 && L2 % 2 === 0)) throw new Error(`SlaterJastrow: tiedPairs needs a periodic lattice with even sides, got ${L1}x${L2}`);
    // pairIndex[i * n + j]: the parameter of F(i, j) (the sublattice cell of i and the offset j - i when tied).
    this.pairIndex = new Int32Array(this.form === 'pairing' ? n * n : 0);
    for (let i = 0; i < n && this.form === 'pairing'; i++) {
      for (let j = 0; j < n; j++) {
        const [ri, ci, rj, cj] = [Math.floor(i / L2), i % L2, Math.floor(j / L2), j % L2];
        this.pairIndex[i * n + j] = tied ? ((ri % 2) * 2 + (ci % 2)) * n + ((rj - ri + L1) % L1) * L2 + ((cj - ci + L2) % L2) : i * n + j;
      }
    }
    this.numParams = this.pj + (this.form === 'pairing' ? (tied ? 4 * n : n * n) : n * (nUp + nDown));
    this.params = new Float64Array(this.numParams);
    this.params.set(jastrow.params);
    const jl = jastrow.layout.map((l) => ({ name: `jastrow.${l.name}`, shape: l.shape }));
    this.layout = this.form === 'pairing'
      ? [...jl, { name: 'pairing', shape: tied ? [4, n] : [n, n] }]
      : [...jl, { name: 'orbitals_up', shape: [n, nUp] }, { name: 'orbitals_down', shape: [n, nDown] }];
    const rng = toRng(seed);
    const phi = ([1, -1] as const).map((s, si) => {
      const m = si === 0 ? nUp : nDown;
      const h = new Float64Array(n * n);
      for (const [i, j] of lattice.bonds1) {
        h[i * n + j] -= 1;
        h[j * n + i] -= 1;
      }
      for (let i = 0; i < n; i++) h[i * n + i] = s * stagger * (lattice.sublattice[i] === 0 ? 1 : -1);
      const { values, vectors } = symmetricEigen(h, n);
      const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => values[a] - values[b]);
      const out = new Float64Array(n * m);
      for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) out[i * m + k] = vectors[i * n + order[k]];
      return out;
    });
    if (this.form === 'pairing') {
      // F = phi_up phi_down^T, the Slater state as a pair function (averaged over tied entries).
      const count = new Float64Array(this.numParams - this.pj);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let f = 0;
          for (let k = 0; k < nUp; k++) f += phi[0][i * nUp + k] * phi[1][j * nUp + k];
          this.params[this.pj + this.pairIndex[i * n + j]] += f;
          count[this.pairIndex[i * n + j]]++;
        }
      }
      for (let k = 0; k < count.length; k++) this.params[this.pj + k] = this.params[this.pj + k] / count[k] + rng.normal(0, noise);
    } else {
      for (let k = 0; k < n * nUp; k++) this.params[this.upOff + k] = phi[0][k] + rng.normal(0, noise);
      for (let k = 0; k < n * nDown; k++) this.params[this.dnOff + k] = phi[1][k] + rng.normal(0, noise);
    }
    const mMax = Math.max(nUp, nDown, 1);
    this.A = new Float64Array(mMax * mMax);
    this.inv = new Float64Array(mMax * mMax);
    this.piv = new Int32Array(mMax);
    this.rows = new Int32Array(mMax);
    this.cols = new Int32Array(mMax);
    const fast = jastrow.logPsiSwapped?.bind(jastrow);
    if (fast) {
      this.logPsiSwapped = (x, pairs, m, logAbs, sign) => {
        this.sync();
        fast(x, pairs, m, logAbs, sign);
        forEachSwapped(x, pairs, m, (k) => {
          const d = this.determinant(x);
          logAbs[k] += d.logAbs;
          sign[k] *= d.sign;
        });
      };
    }
  }

  /** A memoized Jastrow factor must forget the values it cached for the old parameters. */
  paramsChanged(): void {
    this.jastrow.paramsChanged?.();
  }

  /** The Jastrow factor reads its parameters from the head of ours (optimizers update ours in place). */
  private sync(): void {
    this.jastrow.params.set(this.params.subarray(0, this.pj));
  }

  /**
   * log|D(x)| and sign; with `grad`, adds d log|D| / d phi into grad at `offset`.
   */
  private determinant(x: Int8Array, grad?: Float64Array, offset = 0): LogPsi {
    const n = x.length;
    // Fermion reordering sign: each down electron before an up one.
    let downsSeen = 0;
    let crossings = 0;
    for (let i = 0; i < n; i++) {
      if (x[i] === -1) downsSeen++;
      else if (x[i] === 1) crossings += downsSeen;
    }
    let logAbs = 0;
    let sign = crossings % 2 === 0 ? 1 : -1;
    if (this.form === 'pairing') {
      // <x| (sum F_ij c+_i_up c+_j_down)^m |0> / m! = +-det F[up sites, down sites] (a constant sign aside).
      const m = this.hilbert.nUp;
      if (m === 0) return { logAbs, sign };
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        if (x[i] === 1) this.rows[a++] = i;
        else if (x[i] === -1) this.cols[b++] = i;
      }
      const off = this.pj;
      for (let r = 0; r < m; r++) for (let k = 0; k < m; k++) this.A[r * m + k] = this.params[off + this.pairIndex[this.rows[r] * n + this.cols[k]]];
      const d = logDet(this.A, m, grad ? this.inv : null, this.piv);
      if (grad && d.logAbs > -Infinity) {
        for (let r = 0; r < m; r++) for (let k = 0; k < m; k++) grad[offset + off + this.pairIndex[this.rows[r] * n + this.cols[k]]] += this.inv[k * m + r];
      }
      return { logAbs: logAbs + d.logAbs, sign: sign * d.sign };
    }
    for (const [spin, off, m] of [[1, this.upOff, this.hilbert.nUp], [-1, this.dnOff, this.hilbert.nDown]] as const) {
      if (m === 0) continue;
      let a = 0;
      for (let i = 0; i < n; i++) if (x[i] === spin) this.rows[a++] = i;
      for (let r = 0; r < m; r++) for (let k = 0; k < m; k++) this.A[r * m + k] = this.params[off + this.rows[r] * m + k];
      const d = logDet(this.A, m, grad ? this.inv : null, this.piv);
      if (d.logAbs === -Infinity) return d;
      logAbs += d.logAbs;
      sign *= d.sign;
      if (grad) {
        for (let r = 0; r < m; r++) for (let k = 0; k < m; k++) grad[offset + off + this.rows[r] * m + k] = this.inv[k * m + r];
      }
    }
    return { logAbs, sign };
  }

  logPsi(x: Int8Array): LogPsi {
    this.sync();
    const j = this.jastrow.logPsi(x);
    const d = this.determinant(x);
    return { logAbs: j.logAbs + d.logAbs, sign: j.sign * d.sign };
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    if (grad.length < offset + this.numParams) throw new Error(`SlaterJastrow.logPsiGrad: grad needs ${offset + this.numParams} entries, has ${grad.length}`);
    this.sync();
    const j = this.jastrow.logPsiGrad(x, grad, offset);
    grad.fill(0, offset + this.pj, offset + this.numParams);
    const d = this.determinant(x, grad, offset);
    return { logAbs: j.logAbs + d.logAbs, sign: j.sign * d.sign };
  }
}
