/**
 * The CNN wave function of Liang et al. (PRB 98, 104426, 2018) used by the
 * paper: each block is a convolution with periodic padding, a 2x2 max-pool
 * and a 2x2 stride-2 transposed convolution back to the full lattice; the
 * last block has one output channel and psi(x) = product of its L1*L2
 * outputs, real-valued with the sign of that product. We keep
 * log|psi| = sum log|out| and sign = product of signs.
 *
 * Forward and backward are written out on Float64Arrays: on a 4x4 lattice a
 * forward pass is a few thousand multiply-adds, where tfjs's per-op
 * overhead (tens of microseconds per op) would dominate, and the
 * per-sample log-derivatives of SR fall out of one backward pass each.
 * test/cnn.test.ts checks the forward pass against tfjs's conv2d / maxPool /
 * conv2dTranspose and the backward pass against finite differences.
 */
import { toRng, type Rng } from '@proj/core';
import type { Hilbert } from './hilbert.js';
import type { SquareLattice } from './lattice.js';
import { encodeInput, inputChannels, type LogPsi, type WaveFunction } from './model.js';

export interface CnnBlock {
  /** Side of the square convolution kernel. */
  kernel: number;
  /** Channels of the convolution (and of the transposed convolution, except in the last block). */
  channels: number;
}

export interface CnnConfig {
  blocks: CnnBlock[];
  /**
   * Std of the last transposed convolution's weights at init, times
   * 1/sqrt(fan-in); its bias starts at 1 so every factor starts near 1 and
   * psi near uniform (our choice; the paper does not state its init).
   */
  outputInitScale?: number;
}

/**
 * Shallow network (one block). Liang et al. do not fix widths for 4x4; this
 * size (kernel 4 covers the whole 4x4 torus, 16 channels, 289 + 65 params
 * for spins) is our choice, measured to reach the done-when accuracy on 4x4.
 */
export const CNN_SHALLOW: CnnConfig = { blocks: [{ kernel: 4, channels: 16 }] };

/**
 * Deep network: 6 blocks with kernels 5,5,3,3,3,3 and channels
 * 64,32,32,32,32,32 (REFERENCES.md; the paper's 106,529-parameter count
 * is not reproduced exactly because its per-block layout is not stated).
 */
export const CNN_DEEP: CnnConfig = {
  blocks: [
    { kernel: 5, channels: 64 },
    { kernel: 5, channels: 32 },
    { kernel: 3, channels: 32 },
    { kernel: 3, channels: 32 },
    { kernel: 3, channels: 32 },
    { kernel: 3, channels: 32 },
  ],
};

interface BlockPlan {
  cin: number;
  c: number;
  cout: number;
  k: number;
  /** Offsets into params of conv weight [k*k][cin][c], conv bias [c], tconv weight [2][2][c][cout], tconv bias [cout]. */
  w: number;
  b: number;
  v: number;
  vb: number;
  /** nbr[pos * k*k + t]: input site of kernel tap t at output site pos (periodic). */
  nbr: Int32Array;
  // Forward buffers.
  input: Float64Array;
  z: Float64Array;
  pooled: Float64Array;
  argmax: Int32Array;
  out: Float64Array;
  // Backward buffers.
  gPooled: Float64Array;
  gInput: Float64Array;
}

export class CNN implements WaveFunction {
  readonly numParams: number;
  readonly params: Float64Array;
  readonly layout: { name: string; shape: number[] }[] = [];
  private readonly plan: BlockPlan[] = [];
  private readonly n: number;
  /** inv[s * k*k + t]: the output site whose kernel tap t reads site s (for fixed t the periodic shift is a bijection). */
  private readonly inv0: Int32Array;
  /** Block 0's convolution output for the unswapped x in `logPsiSwapped`. */
  private readonly zRef: Float64Array;
  /** Per-channel constant of `convSpins`. */
  private readonly zBase: Float64Array;
  /** The four sites of each pooled cell q: cellSites[4q + d], d = 2 * row offset + column offset. */
  private readonly cellSites: Int32Array;

  constructor(
    readonly hilbert: Hilbert,
    readonly lattice: SquareLattice,
    readonly config: CnnConfig = CNN_SHALLOW,
    seed: number | Rng = 0,
  ) {
    const { L1, L2, n } = lattice;
    if (L1 % 2 !== 0 || L2 % 2 !== 0) throw new Error(`CNN: the 2x2 pooling needs even lattice sides, got ${L1}x${L2}`);
    if (hilbert.n !== n) throw new Error(`CNN: hilbert has ${hilbert.n} sites, lattice ${n}`);
    if (config.blocks.length === 0) throw new Error('CNN: config.blocks must not be empty');
    this.n = n;
    const cells = n / 4;
    this.cellSites = new Int32Array(4 * cells);
    for (let a = 0; a < L1 / 2; a++) {
      for (let b = 0; b < L2 / 2; b++) {
        for (let d = 0; d < 4; d++) this.cellSites[4 * (a * (L2 / 2) + b) + d] = (2 * a + (d >> 1)) * L2 + 2 * b + (d & 1);
      }
    }
    let offset = 0;
    let cin = inputChannels(hilbert);
    config.blocks.forEach((blk, bi) => {
      const { kernel: k, channels: c } = blk;
      if (!Number.isInteger(k) || k < 1) throw new Error(`CNN: blocks[${bi}].kernel must be a positive integer, got ${k}`);
      if (!Number.isInteger(c) || c < 1) throw new Error(`CNN: blocks[${bi}].channels must be a positive integer, got ${c}`);
      const cout = bi === config.blocks.length - 1 ? 1 : c;
      const nbr = new Int32Array(n * k * k);
      const lo = Math.floor((k - 1) / 2);
      for (let r = 0; r < L1; r++) {
        for (let col = 0; col < L2; col++) {
          for (let dr = 0; dr < k; dr++) {
            for (let dc = 0; dc < k; dc++) {
              const rr = (((r + dr - lo) % L1) + L1) % L1;
              const cc = (((col + dc - lo) % L2) + L2) % L2;
              nbr[(r * L2 + col) * k * k + dr * k + dc] = rr * L2 + cc;
            }
          }
        }
      }
      const p: BlockPlan = {
        cin, c, cout, k,
        w: offset,
        b: offset + k * k * cin * c,
        v: offset + k * k * cin * c + c,
        vb: offset + k * k * cin * c + c + 4 * c * cout,
        nbr,
        input: new Float64Array(n * cin),
        z: new Float64Array(n * c),
        pooled: new Float64Array(cells * c),
        argmax: new Int32Array(cells * c),
        out: new Float64Array(n * cout),
        gPooled: new Float64Array(cells * c),
        gInput: new Float64Array(n * cin),
      };
      offset = p.vb + cout;
      this.layout.push(
        { name: `block${bi}.conv.kernel`, shape: [k, k, cin, c] },
        { name: `block${bi}.conv.bias`, shape: [c] },
        { name: `block${bi}.tconv.kernel`, shape: [2, 2, c, cout] },
        { name: `block${bi}.tconv.bias`, shape: [cout] },
      );
      this.plan.push(p);
      cin = cout;
    });
    const p0 = this.plan[0];
    const kk0 = p0.k * p0.k;
    this.inv0 = new Int32Array(n * kk0);
    for (let pos = 0; pos < n; pos++) for (let t = 0; t < kk0; t++) this.inv0[p0.nbr[pos * kk0 + t] * kk0 + t] = pos;
    this.zRef = new Float64Array(n * p0.c);
    this.zBase = new Float64Array(p0.c);
    this.numParams = offset;
    this.params = new Float64Array(offset);
    const rng = toRng(seed);
    const outScale = config.outputInitScale ?? 0.1;
    this.plan.forEach((p, bi) => {
      const last = bi === this.plan.length - 1;
      const sw = 1 / Math.sqrt(p.k * p.k * p.cin);
      for (let i = p.w; i < p.b; i++) this.params[i] = rng.normal(0, sw);
      const sv = (last ? outScale : 1) / Math.sqrt(p.c);
      for (let i = p.v; i < p.vb; i++) this.params[i] = rng.normal(0, sv);
      for (let i = p.vb; i < p.vb + p.cout; i++) this.params[i] = last ? 1 : 0;
    });
  }

  /** Convolution with periodic padding of block p: input -> z. */
  private conv(p: BlockPlan): void {
    const P = this.params;
    const { cin, c, k, nbr, input, z } = p;
    const kk = k * k;
    if (p === this.plan[0] && this.hilbert.kind === 'spin') {
      this.convSpins(p);
      return;
    }
    for (let pos = 0; pos < this.n; pos++) {
      const zo = pos * c;
      for (let co = 0; co < c; co++) z[zo + co] = P[p.b + co];
      for (let t = 0; t < kk; t++) {
        const io = nbr[pos * kk + t] * cin;
        for (let ci = 0; ci < cin; ci++) {
          const a = input[io + ci];
          if (a === 0) continue;
          const wo = p.w + (t * cin + ci) * c;
          for (let co = 0; co < c; co++) z[zo + co] += a * P[wo + co];
        }
      }
    }
  }

  /**
   * Block 0's convolution of a +-1 spin input: z = (b - sum_t W_t) + 2 sum_{t: x = +1} W_t,
   * so only the up spins' taps (half of them at Sz = 0) are summed.
   */
  private convSpins(p: BlockPlan): void {
    const P = this.params;
    const { c, k, nbr, input, z } = p;
    const kk = k * k;
    const base = this.zBase;
    for (let co = 0; co < c; co++) base[co] = P[p.b + co];
    for (let t = 0; t < kk; t++) for (let co = 0; co < c; co++) base[co] -= P[p.w + t * c + co];
    for (let pos = 0; pos < this.n; pos++) {
      const zo = pos * c;
      for (let co = 0; co < c; co++) z[zo + co] = base[co];
      for (let t = 0; t < kk; t++) {
        if (input[nbr[pos * kk + t]] < 0) continue;
        const wo = p.w + t * c;
        for (let co = 0; co < c; co++) z[zo + co] += 2 * P[wo + co];
      }
    }
  }

  /** Everything after block 0's convolution: pooling, transposed convolutions, later blocks, the product. */
  private finish(): LogPsi {
    const P = this.params;
    const cs = this.cellSites;
    const cells = cs.length / 4;
    for (let bi = 0; bi < this.plan.length; bi++) {
      const p = this.plan[bi];
      const { c, cout, z, pooled, argmax, out } = p;
      if (bi > 0) this.conv(p);
      // 2x2 max-pool, stride 2, remembering the winner for the backward pass.
      for (let q = 0; q < cells; q++) {
        for (let ch = 0; ch < c; ch++) {
          let best = cs[4 * q];
          let bv = z[best * c + ch];
          for (let m = 1; m < 4; m++) {
            const site = cs[4 * q + m];
            const v = z[site * c + ch];
            if (v > bv) {
              bv = v;
              best = site;
            }
          }
          pooled[q * c + ch] = bv;
          argmax[q * c + ch] = best;
        }
      }
      // 2x2 stride-2 transposed convolution: cell q writes its 2x2 sites.
      for (let q = 0; q < cells; q++) {
        for (let d = 0; d < 4; d++) {
          const pos = cs[4 * q + d];
          for (let co = 0; co < cout; co++) {
            let s = P[p.vb + co];
            const vo = p.v + d * c * cout + co;
            for (let ch = 0; ch < c; ch++) s += P[vo + ch * cout] * pooled[q * c + ch];
            out[pos * cout + co] = s;
          }
        }
      }
      if (bi + 1 < this.plan.length) this.plan[bi + 1].input.set(out);
    }
    // log of the product of |out|, one Math.log per ~1e100 of dynamic range.
    const out = this.plan[this.plan.length - 1].out;
    let logAbs = 0;
    let prod = 1;
    let sign = 1;
    for (let i = 0; i < out.length; i++) {
      const o = out[i];
      if (o < 0) {
        sign = -sign;
        prod *= -o;
      } else prod *= o;
      if (prod > 1e100 || prod < 1e-100) {
        logAbs += Math.log(prod);
        prod = 1;
      }
    }
    return { logAbs: logAbs + Math.log(prod), sign };
  }

  private forward(x: Int8Array): LogPsi {
    if (x.length !== this.n) throw new Error(`CNN: x must have ${this.n} sites, got ${x.length}`);
    encodeInput(this.hilbert, x, this.plan[0].input);
    this.conv(this.plan[0]);
    return this.finish();
  }

  /**
   * log psi of x with sites pairs[2k], pairs[2k + 1] swapped, for k < m
   * (the connected configurations of a local energy). Block 0's convolution
   * is computed once for x and then corrected at the two changed sites:
   * 2 k^2 taps instead of n k^2.
   */
  logPsiSwapped(x: Int8Array, pairs: Int32Array, m: number, logAbs: Float64Array, sign: Float64Array): void {
    if (x.length !== this.n) throw new Error(`CNN: x must have ${this.n} sites, got ${x.length}`);
    const p = this.plan[0];
    const { cin, c, k, input, z } = p;
    const kk = k * k;
    const P = this.params;
    encodeInput(this.hilbert, x, input);
    this.conv(p);
    this.zRef.set(z);
    for (let e = 0; e < m; e++) {
      z.set(this.zRef);
      const i = pairs[2 * e];
      const j = pairs[2 * e + 1];
      // The input at i becomes that at j and vice versa: delta = input_j - input_i at i, the negative at j.
      for (let ci = 0; ci < cin; ci++) {
        const delta = input[j * cin + ci] - input[i * cin + ci];
        if (delta === 0) continue;
        for (let t = 0; t < kk; t++) {
          const wo = p.w + (t * cin + ci) * c;
          const zi = this.inv0[i * kk + t] * c;
          const zj = this.inv0[j * kk + t] * c;
          for (let co = 0; co < c; co++) {
            const w = delta * P[wo + co];
            z[zi + co] += w;
            z[zj + co] -= w;
          }
        }
      }
      const r = this.finish();
      logAbs[e] = r.logAbs;
      sign[e] = r.sign;
    }
  }

  logPsi(x: Int8Array): LogPsi {
    return this.forward(x);
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    if (grad.length < offset + this.numParams) {
      throw new Error(`CNN.logPsiGrad: grad needs ${offset + this.numParams} entries, has ${grad.length}`);
    }
    const res = this.forward(x);
    const P = this.params;
    grad.fill(0, offset, offset + this.numParams);
    const cs = this.cellSites;
    const cells = cs.length / 4;
    // d log|psi| / d out_i = 1 / out_i for the last block.
    const lastOut = this.plan[this.plan.length - 1].out;
    let gOut = new Float64Array(lastOut.length);
    for (let i = 0; i < lastOut.length; i++) gOut[i] = 1 / lastOut[i];
    for (let bi = this.plan.length - 1; bi >= 0; bi--) {
      const p = this.plan[bi];
      const { cin, c, cout, k, nbr, input, pooled, argmax, gPooled, gInput } = p;
      const kk = k * k;
      gPooled.fill(0);
      // Transposed convolution.
      for (let q = 0; q < cells; q++) {
        for (let d = 0; d < 4; d++) {
          const pos = cs[4 * q + d];
          for (let co = 0; co < cout; co++) {
            const g = gOut[pos * cout + co];
            if (g === 0) continue;
            grad[offset + p.vb + co] += g;
            const vo = p.v + d * c * cout + co;
            for (let ch = 0; ch < c; ch++) {
              grad[offset + vo + ch * cout] += g * pooled[q * c + ch];
              gPooled[q * c + ch] += g * P[vo + ch * cout];
            }
          }
        }
      }
      // Max-pool routes each cell's gradient to its winner; the convolution
      // backward runs over those winners only.
      if (bi > 0) gInput.fill(0);
      for (let e = 0; e < gPooled.length; e++) {
        const g = gPooled[e];
        if (g === 0) continue;
        const ch = e % c;
        const pos = argmax[e];
        grad[offset + p.b + ch] += g;
        for (let t = 0; t < kk; t++) {
          const io = nbr[pos * kk + t] * cin;
          for (let ci = 0; ci < cin; ci++) {
            const wi = p.w + (t * cin + ci) * c + ch;
            grad[offset + wi] += g * input[io + ci];
            if (bi > 0) gInput[io + ci] += g * P[wi];
          }
        }
      }
      if (bi > 0) gOut = gInput.slice();
    }
    return res;
  }
}
