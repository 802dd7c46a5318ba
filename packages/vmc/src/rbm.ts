/**
 * Restricted Boltzmann machine baseline (Carleo & Troyer, Science 2017),
 * real-valued: log psi(x) = a.v + sum_j log(2 cosh(b_j + W_j.v)), v the
 * network input of x (model.ts). It is positive, so it needs the Marshall
 * sign prior (marshall.ts) for the Heisenberg model and cannot represent the
 * sign structure of J2 > 0 or of t-J beyond that prior.
 */
import { toRng, type Rng } from '@proj/core';
import type { Hilbert } from './hilbert.js';
import { encodeInput, inputChannels, type LogPsi, type WaveFunction } from './model.js';

export interface RbmConfig {
  /** Hidden units per visible unit (NetKet's `alpha`; default 2). */
  alpha?: number;
  /** Std of the initial weights (default 0.01, NetKet's RBM initializer). */
  initStd?: number;
}

/** log(2 cosh t) without overflow. */
function logTwoCosh(t: number): number {
  const a = Math.abs(t);
  return a + Math.log1p(Math.exp(-2 * a));
}

export class RBM implements WaveFunction {
  readonly numParams: number;
  readonly params: Float64Array;
  readonly layout: { name: string; shape: number[] }[];
  private readonly nv: number;
  private readonly nh: number;
  private readonly v: Float64Array;
  private readonly theta: Float64Array;

  constructor(
    readonly hilbert: Hilbert,
    config: RbmConfig = {},
    seed: number | Rng = 0,
  ) {
    const alpha = config.alpha ?? 2;
    if (!(alpha > 0)) throw new Error(`RBM: alpha must be > 0, got ${alpha}`);
    this.nv = hilbert.n * inputChannels(hilbert);
    this.nh = Math.max(1, Math.round(alpha * this.nv));
    this.layout = [
      { name: 'visible_bias', shape: [this.nv] },
      { name: 'hidden_bias', shape: [this.nh] },
      { name: 'kernel', shape: [this.nh, this.nv] },
    ];
    this.numParams = this.nv + this.nh + this.nh * this.nv;
    this.params = new Float64Array(this.numParams);
    const rng = toRng(seed);
    const std = config.initStd ?? 0.01;
    for (let i = 0; i < this.numParams; i++) this.params[i] = rng.normal(0, std);
    this.v = new Float64Array(this.nv);
    this.theta = new Float64Array(this.nh);
  }

  private forward(x: Int8Array): LogPsi {
    if (x.length !== this.hilbert.n) throw new Error(`RBM: x must have ${this.hilbert.n} sites, got ${x.length}`);
    const { nv, nh, v, theta, params: P } = this;
    encodeInput(this.hilbert, x, v);
    let logAbs = 0;
    for (let i = 0; i < nv; i++) logAbs += P[i] * v[i];
    const W = nv + nh;
    for (let j = 0; j < nh; j++) {
      let t = P[nv + j];
      const row = W + j * nv;
      for (let i = 0; i < nv; i++) t += P[row + i] * v[i];
      theta[j] = t;
      logAbs += logTwoCosh(t);
    }
    return { logAbs, sign: 1 };
  }

  logPsi(x: Int8Array): LogPsi {
    return this.forward(x);
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    if (grad.length < offset + this.numParams) {
      throw new Error(`RBM.logPsiGrad: grad needs ${offset + this.numParams} entries, has ${grad.length}`);
    }
    const res = this.forward(x);
    const { nv, nh, v, theta } = this;
    for (let i = 0; i < nv; i++) grad[offset + i] = v[i];
    const W = offset + nv + nh;
    for (let j = 0; j < nh; j++) {
      const th = Math.tanh(theta[j]);
      grad[offset + nv + j] = th;
      for (let i = 0; i < nv; i++) grad[W + j * nv + i] = th * v[i];
    }
    return res;
  }
}
