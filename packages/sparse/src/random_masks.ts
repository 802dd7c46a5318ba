import { Rng, toRng, type MaskSet } from '@proj/core';
import { checkLayers, sizeOf, type PrunableLayer } from './layers.js';

/** Checks that `densities` gives every layer a density in [0, 1]. */
export function checkDensities(layers: readonly PrunableLayer[], densities: Readonly<Record<string, number>>, fn: string): void {
  for (const l of layers) {
    const d = densities?.[l.name];
    if (!(typeof d === 'number' && d >= 0 && d <= 1)) {
      throw new Error(`${fn}: densities['${l.name}'] must be a number in [0, 1], got ${d}`);
    }
  }
}

/** Kept weights of a layer of `size` entries at `density`: round(density * size). */
export function keptCount(size: number, density: number): number {
  return Math.round(density * size);
}

/**
 * Random masks at the given layer densities: layer l keeps exactly
 * round(density_l * size_l) weights drawn uniformly without replacement (the
 * "random pruning at initialization" of the paper). Each layer draws from its
 * own split of the seed, in layer order, so adding a layer at the end leaves
 * the earlier masks unchanged.
 */
export function randomMasks(layers: readonly PrunableLayer[], densities: Readonly<Record<string, number>>, seed: number | Rng): MaskSet {
  checkLayers(layers, 'randomMasks');
  checkDensities(layers, densities, 'randomMasks');
  const rng = toRng(seed);
  const out: MaskSet = {};
  for (const l of layers) {
    const size = sizeOf(l.shape);
    const kept = keptCount(size, densities[l.name]);
    const data = new Uint8Array(size);
    chooseWithoutReplacement(rng.split(), size, kept, (i) => (data[i] = 1));
    out[l.name] = { shape: [...l.shape], data };
  }
  return out;
}

/**
 * Calls `pick` with `k` distinct indices of 0..n-1 chosen uniformly: the first
 * k steps of a Fisher-Yates shuffle, run from whichever end is shorter.
 */
export function chooseWithoutReplacement(rng: Rng, n: number, k: number, pick: (i: number) => void): void {
  const choose = Math.min(k, n - k);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < choose; i++) {
    const j = i + rng.int(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  // Picking the complement when k > n/2 halves the work at high densities.
  if (choose === k) for (let i = 0; i < k; i++) pick(idx[i]);
  else for (let i = choose; i < n; i++) pick(idx[i]);
}
