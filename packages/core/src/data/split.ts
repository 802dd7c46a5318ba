/**
 * Seeded random splits of a dataset into disjoint parts (train / validation /
 * test, or one shard per federated client).
 *
 * Stratified splits keep each class's share in every part within one example
 * of exact: every example gets the key (rank within its shuffled class +
 * offset) / class size, the examples are sorted by that key, and the parts
 * are cut as consecutive runs. Each class is then spread evenly along the
 * order, so any run holds its proportional share, and the part sizes stay
 * exactly as requested.
 */
import { Rng, toRng } from '../rng.js';
import { type Dataset, labelsOf, subset } from './dataset.js';

/** Part sizes: fractions that sum to 1, or counts whose sum is at most the dataset size. */
export type SplitSizes = { fractions: readonly number[] } | { counts: readonly number[] };

export interface SplitOptions {
  /** Keep class proportions in every part (default false). */
  stratify?: boolean;
}

/** Turns fractions into integer counts that sum to n (largest remainder, ties to the earlier part). */
function countsFromFractions(fractions: readonly number[], n: number): number[] {
  let sum = 0;
  fractions.forEach((f, i) => {
    if (!Number.isFinite(f) || f < 0) throw new Error(`splitDataset: fractions[${i}] = ${f} must be a finite number >= 0`);
    sum += f;
  });
  if (Math.abs(sum - 1) > 1e-6) {
    throw new Error(`splitDataset: fractions must sum to 1, got ${sum} (${JSON.stringify(fractions)})`);
  }
  const exact = fractions.map((f) => (f / sum) * n);
  const counts = exact.map(Math.floor);
  let missing = n - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (const i of order) {
    if (missing === 0) break;
    counts[i]++;
    missing--;
  }
  return counts;
}

function resolveCounts(sizes: SplitSizes, n: number): number[] {
  if ('fractions' in sizes) {
    if (sizes.fractions.length === 0) throw new Error('splitDataset: fractions must not be empty');
    return countsFromFractions(sizes.fractions, n);
  }
  if (!('counts' in sizes) || sizes.counts.length === 0) {
    throw new Error('splitDataset: sizes must be { fractions: number[] } or { counts: number[] }, non-empty');
  }
  let total = 0;
  sizes.counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) throw new Error(`splitDataset: counts[${i}] = ${c} must be an integer >= 0`);
    total += c;
  });
  if (total > n) throw new Error(`splitDataset: counts sum to ${total}, more than the ${n} examples available`);
  return [...sizes.counts];
}

/** The order in which examples are dealt into parts: a plain shuffle, or class-interleaved. */
function dealOrder(labels: Int32Array | null, n: number, rng: Rng): Int32Array {
  const perm = rng.permutation(n);
  if (labels === null) return perm;
  // Rank of each example within its class, in shuffled order.
  const seen = new Map<number, number>();
  const rank = new Int32Array(n);
  for (const i of perm) {
    const r = seen.get(labels[i]) ?? 0;
    rank[i] = r;
    seen.set(labels[i], r + 1);
  }
  // One random phase per class so that no class is always first at the cuts.
  const phase = new Map<number, number>();
  for (const c of [...seen.keys()].sort((a, b) => a - b)) phase.set(c, rng.uniform());
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = (rank[i] + phase.get(labels[i])!) / seen.get(labels[i])!;
  // Sorting the shuffled order (stable) breaks key ties at random.
  return Int32Array.from(Array.from(perm).sort((a, b) => key[a] - key[b]));
}

/**
 * Disjoint index sets of `n` examples, sized by `sizes`, in a seeded random
 * order. `labels` (length n) stratifies by class; pass null for a plain split.
 */
export function splitIndices(
  n: number,
  sizes: SplitSizes,
  seed: number | Rng,
  labels: ArrayLike<number> | null = null,
): Int32Array[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`splitIndices: n must be an integer >= 0, got ${n}`);
  if (labels !== null && labels.length !== n) {
    throw new Error(`splitIndices: labels has length ${labels.length}, expected n = ${n}`);
  }
  const counts = resolveCounts(sizes, n);
  const order = dealOrder(labels === null ? null : Int32Array.from(labels), n, toRng(seed));
  const parts: Int32Array[] = [];
  let start = 0;
  for (const c of counts) {
    parts.push(order.slice(start, start + c));
    start += c;
  }
  return parts;
}

/**
 * Splits `ds` into disjoint lazy subsets, e.g.
 * `const [train, val] = splitDataset(ds, { fractions: [0.9, 0.1] }, seed)`.
 * Same seed, same parts.
 */
export function splitDataset(ds: Dataset, sizes: SplitSizes, seed: number | Rng, options: SplitOptions = {}): Dataset[] {
  const labels = options.stratify ? labelsOf(ds) : null;
  return splitIndices(ds.size, sizes, seed, labels).map((idx) => subset(ds, idx));
}
