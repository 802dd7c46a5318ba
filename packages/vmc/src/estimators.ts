/**
 * Estimators: local energies E_loc(x) = sum_x' H_xx' psi(x') / psi(x) over
 * the connected x' of each sample, and the statistics NetKet reports for a
 * Monte Carlo mean: error of the mean corrected by the integrated
 * autocorrelation time, variance, and split R-hat.
 */
import type { SampleBatch } from './metropolis.js';
import type { WaveFunction } from './model.js';
import { connectionBuffers, swapSites, type Operator } from './operator.js';

/** E_loc of every sample of the batch (its logAbs/sign are those of `model` now). */
export function localEnergies(model: WaveFunction, op: Operator, batch: SampleBatch): Float64Array {
  const n = op.hilbert.n;
  const out = new Float64Array(batch.count);
  const { pairs, mels } = connectionBuffers(op);
  const la2 = new Float64Array(op.maxConnected);
  const sg2 = new Float64Array(op.maxConnected);
  for (let s = 0; s < batch.count; s++) {
    const x = batch.configs.slice(s * n, (s + 1) * n);
    let e = op.diagonal(x);
    const m = op.offDiagonal(x, pairs, mels);
    const la = batch.logAbs[s];
    const sg = batch.sign[s];
    if (model.logPsiSwapped) {
      model.logPsiSwapped(x, pairs, m, la2, sg2);
      for (let k = 0; k < m; k++) e += mels[k] * sg2[k] * sg * Math.exp(la2[k] - la);
      out[s] = e;
      continue;
    }
    for (let k = 0; k < m; k++) {
      swapSites(x, pairs[2 * k], pairs[2 * k + 1]);
      const r = model.logPsi(x);
      swapSites(x, pairs[2 * k], pairs[2 * k + 1]);
      e += mels[k] * r.sign * sg * Math.exp(r.logAbs - la);
    }
    out[s] = e;
  }
  return out;
}

export interface McStats {
  mean: number;
  /** Sample variance of the values. */
  variance: number;
  /** Error of the mean: sqrt(variance * 2 tau / N). */
  error: number;
  /** Integrated autocorrelation time (>= 0.5; 0.5 means uncorrelated), averaged over chains. */
  tauCorr: number;
  /** Split R-hat (Gelman et al. 2013, chains split in halves); NaN with fewer than 4 samples per chain. */
  rHat: number;
}

/**
 * Integrated autocorrelation time of one chain with Sokal's automatic
 * window: tau = 1/2 + sum_{t=1}^{W} rho(t), W the smallest t with t >= 5 tau(t).
 */
export function integratedAutocorrTime(chain: ArrayLike<number>): number {
  const n = chain.length;
  if (n < 2) return 0.5;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += chain[i];
  mean /= n;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (chain[i] - mean) ** 2;
  c0 /= n;
  if (c0 === 0) return 0.5;
  let tau = 0.5;
  for (let t = 1; t < n; t++) {
    let ct = 0;
    for (let i = 0; i + t < n; i++) ct += (chain[i] - mean) * (chain[i + t] - mean);
    tau += ct / n / c0;
    if (t >= 5 * tau) break;
  }
  return Math.max(0.5, tau);
}

/** Statistics of `values` laid out chain-major in `chains` equal chains. */
export function mcStatistics(values: ArrayLike<number>, chains: number): McStats {
  const N = values.length;
  if (!Number.isInteger(chains) || chains < 1 || N % chains !== 0) {
    throw new Error(`mcStatistics: chains must be a positive integer dividing ${N}, got ${chains}`);
  }
  let mean = 0;
  for (let i = 0; i < N; i++) mean += values[i];
  mean /= N;
  let variance = 0;
  for (let i = 0; i < N; i++) variance += (values[i] - mean) ** 2;
  variance /= Math.max(1, N - 1);
  const len = N / chains;
  let tau = 0;
  for (let c = 0; c < chains; c++) tau += integratedAutocorrTime(Array.prototype.slice.call(values, c * len, (c + 1) * len));
  tau /= chains;
  return { mean, variance, error: Math.sqrt((variance * 2 * tau) / N), tauCorr: tau, rHat: splitRHat(values, chains) };
}

/** Split R-hat: each chain cut in two halves, then Gelman-Rubin's potential scale reduction. */
export function splitRHat(values: ArrayLike<number>, chains: number): number {
  const len = Math.floor(values.length / chains);
  const half = Math.floor(len / 2);
  if (half < 2) return NaN;
  const m = 2 * chains;
  const means: number[] = [];
  const vars: number[] = [];
  for (let c = 0; c < chains; c++) {
    for (let h = 0; h < 2; h++) {
      const start = c * len + h * half;
      let mu = 0;
      for (let i = 0; i < half; i++) mu += values[start + i];
      mu /= half;
      let v = 0;
      for (let i = 0; i < half; i++) v += (values[start + i] - mu) ** 2;
      means.push(mu);
      vars.push(v / (half - 1));
    }
  }
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const B = (half / (m - 1)) * means.reduce((a, mu) => a + (mu - grand) ** 2, 0);
  const W = vars.reduce((a, b) => a + b, 0) / m;
  if (W === 0) return B === 0 ? 1 : Infinity;
  return Math.sqrt(((half - 1) / half) * W + B / half) / Math.sqrt(W);
}
