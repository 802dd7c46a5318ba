/**
 * The variational-state layer: a real wave function psi(x) kept as
 * log|psi(x)| and sign(psi(x)) so that products of many factors neither
 * overflow nor underflow. Parameters live in one Float64Array that the
 * optimizer updates in place; `logPsiGrad` gives the per-sample
 * log-derivatives O_k(x) = d log|psi(x)| / d theta_k that SR needs.
 */
import type { Hilbert } from './hilbert.js';

export interface LogPsi {
  /** log |psi(x)|. */
  logAbs: number;
  /** +1 or -1. */
  sign: number;
}

export interface WaveFunction {
  readonly numParams: number;
  /** The parameters, updated in place by optimizers and checkpoints. */
  readonly params: Float64Array;
  /** Names and sizes of the parameter blocks, in order (for checkpoints and READMEs). */
  readonly layout: readonly { name: string; shape: number[] }[];
  logPsi(x: Int8Array): LogPsi;
  /** log psi(x) and d log|psi(x)| / d theta written to grad[offset, offset + numParams). */
  logPsiGrad(x: Int8Array, grad: Float64Array, offset?: number): LogPsi;
  /**
   * Optional fast path for local energies: log psi of x with sites
   * pairs[2k], pairs[2k + 1] swapped, for k < m, into logAbs[k] and sign[k].
   */
  logPsiSwapped?(x: Int8Array, pairs: Int32Array, m: number, logAbs: Float64Array, sign: Float64Array): void;
  /** Optional: tells caches (`Memoized`) that `params` changed; VmcDriver calls it before every step. */
  paramsChanged?(): void;
}

/**
 * Input channels per site: 1 for spins (the +-1 value itself, as Liang et
 * al.), 3 for t-J (one-hot empty / up / down, as the paper encodes the
 * three local states).
 */
export function inputChannels(h: Hilbert): number {
  return h.kind === 'spin' ? 1 : 3;
}

/** Writes the network input of x (site-major, channels last) into `out`. */
export function encodeInput(h: Hilbert, x: Int8Array, out: Float64Array): void {
  if (h.kind === 'spin') {
    for (let i = 0; i < x.length; i++) out[i] = x[i];
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[3 * i] = v === 0 ? 1 : 0;
    out[3 * i + 1] = v === 1 ? 1 : 0;
    out[3 * i + 2] = v === -1 ? 1 : 0;
  }
}


/**
 * Base of wrappers that change psi but not the parameters (a sign prior, a
 * symmetrization): parameters and layout are those of `inner`.
 */
export abstract class WaveFunctionWrapper implements WaveFunction {
  constructor(readonly inner: WaveFunction) {}

  get numParams(): number {
    return this.inner.numParams;
  }

  get params(): Float64Array {
    return this.inner.params;
  }

  get layout(): readonly { name: string; shape: number[] }[] {
    return this.inner.layout;
  }

  paramsChanged(): void {
    this.inner.paramsChanged?.();
  }

  abstract logPsi(x: Int8Array): LogPsi;
  abstract logPsiGrad(x: Int8Array, grad: Float64Array, offset?: number): LogPsi;
}
