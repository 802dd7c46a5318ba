/**
 * Memoization of log psi by configuration, for one setting of the
 * parameters. Within one VMC iteration the parameters are fixed, and the
 * sampler's proposals, the connected configurations of the local energies
 * and the images g x of a symmetrized sum revisit the same configurations
 * many times: the 4x4 Sz = 0 sector has only 12,870 states, against
 * ~10^4 proposals and ~10^4 connected configurations per iteration, each
 * with up to 64 symmetry images. Wrapping the network inside `Symmetrized`
 * (and the sum itself) in `Memoized` bounds the network evaluations per
 * iteration by the number of distinct configurations.
 *
 * Configurations are keyed by their sector rank (`sectorRanker`): a dense
 * table stamped with an epoch for sectors up to `denseLimit` states, else a
 * Map that is emptied when it reaches `maxEntries`. With `gradients`, the
 * log-derivatives are kept too (dense tables only): worth it inside a
 * symmetrized sum, whose per-sample gradients need the gradients of all
 * the images g x, which many samples share.
 *
 * The table is only valid for the parameters it was filled with:
 * `paramsChanged()` empties it (and those of wrapped Memoized models);
 * VmcDriver calls it at the start of every step and evaluation.
 */
import { sectorRanker, sectorSize, type Hilbert } from './hilbert.js';
import { WaveFunctionWrapper, type LogPsi, type WaveFunction } from './model.js';
import { forEachSwapped } from './swap.js';

/** Default `denseLimit`: the largest sector kept in a dense table (2^22 states, 55 MB of tables). */
export const MEMOIZED_DENSE_LIMIT = 2 ** 22;

export interface MemoizedConfig {
  /** Sectors with at most this many states get a dense table (default MEMOIZED_DENSE_LIMIT). */
  denseLimit?: number;
  /** Entries of the Map used for larger sectors before it is emptied (default 2^20). */
  maxEntries?: number;
  /** Also cache log-derivatives (default false; needs a dense table of at most 2^25 sector states x parameters). */
  gradients?: boolean;
}

/** Largest gradient table, sector size x parameters (entries: 256 MB of doubles). */
export const MEMOIZED_GRADIENT_LIMIT = 2 ** 25;

export class Memoized extends WaveFunctionWrapper {
  /** Lookups answered from the table / computed by the inner model since construction. */
  hits = 0;
  misses = 0;
  private readonly rank: (x: Int8Array) => number;
  private readonly maxEntries: number;
  /** Dense table: entry r is valid when stamp[r] === epoch. */
  private readonly stamp: Uint32Array | null;
  private readonly la: Float64Array | null;
  private readonly sg: Int8Array | null;
  private epoch = 1;
  private readonly map: Map<number, LogPsi> | null;
  /** Gradient table: row r is valid when gstamp[r] === epoch. */
  private readonly gstamp: Uint32Array | null = null;
  private readonly gtable: Float64Array | null = null;

  constructor(
    inner: WaveFunction,
    readonly hilbert: Hilbert,
    config: MemoizedConfig = {},
  ) {
    super(inner);
    const denseLimit = config.denseLimit ?? MEMOIZED_DENSE_LIMIT;
    this.maxEntries = config.maxEntries ?? 2 ** 20;
    for (const [name, v] of [['denseLimit', denseLimit], ['maxEntries', this.maxEntries]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`Memoized: config.${name} must be a non-negative integer, got ${v}`);
    }
    this.rank = sectorRanker(hilbert);
    const size = sectorSize(hilbert);
    const dense = size <= denseLimit;
    this.stamp = dense ? new Uint32Array(size) : null;
    this.la = dense ? new Float64Array(size) : null;
    this.sg = dense ? new Int8Array(size) : null;
    this.map = dense ? null : new Map();
    if (config.gradients) {
      const P = inner.numParams;
      if (!dense || size * P > MEMOIZED_GRADIENT_LIMIT) {
        throw new Error(`Memoized: config.gradients needs a dense table with sector size x parameters <= ${MEMOIZED_GRADIENT_LIMIT}, got ${size} x ${P} (dense: ${dense})`);
      }
      this.gstamp = new Uint32Array(size);
      this.gtable = new Float64Array(size * P);
    }
  }

  /** Forgets every stored value (call after the parameters changed). */
  override paramsChanged(): void {
    this.epoch++;
    if (this.epoch === 0xffffffff && this.stamp) {
      this.stamp.fill(0);
      this.gstamp?.fill(0);
      this.epoch = 1;
    }
    this.map?.clear();
    super.paramsChanged();
  }

  logPsi(x: Int8Array): LogPsi {
    const r = this.rank(x);
    if (this.stamp) {
      if (this.stamp[r] === this.epoch) {
        this.hits++;
        return { logAbs: this.la![r], sign: this.sg![r] };
      }
      this.misses++;
      const v = this.inner.logPsi(x);
      this.stamp[r] = this.epoch;
      this.la![r] = v.logAbs;
      this.sg![r] = v.sign;
      return v;
    }
    const map = this.map!;
    const hit = map.get(r);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const v = this.inner.logPsi(x);
    if (map.size >= this.maxEntries) map.clear();
    map.set(r, { logAbs: v.logAbs, sign: v.sign });
    return v;
  }

  logPsiGrad(x: Int8Array, grad: Float64Array, offset = 0): LogPsi {
    const gtable = this.gtable;
    if (!gtable) return this.inner.logPsiGrad(x, grad, offset);
    const P = this.numParams;
    if (grad.length < offset + P) throw new Error(`Memoized.logPsiGrad: grad needs ${offset + P} entries, has ${grad.length}`);
    const r = this.rank(x);
    if (this.gstamp![r] === this.epoch) {
      this.hits++;
      grad.set(gtable.subarray(r * P, (r + 1) * P), offset);
      return { logAbs: this.la![r], sign: this.sg![r] };
    }
    this.misses++;
    const v = this.inner.logPsiGrad(x, grad, offset);
    gtable.set(grad.subarray(offset, offset + P), r * P);
    this.gstamp![r] = this.epoch;
    this.stamp![r] = this.epoch;
    this.la![r] = v.logAbs;
    this.sg![r] = v.sign;
    return v;
  }

  /** The swapped configurations through the table (x is swapped in place and restored). */
  logPsiSwapped(x: Int8Array, pairs: Int32Array, m: number, logAbs: Float64Array, sign: Float64Array): void {
    forEachSwapped(x, pairs, m, (k) => {
      const v = this.logPsi(x);
      logAbs[k] = v.logAbs;
      sign[k] = v.sign;
    });
  }
}
