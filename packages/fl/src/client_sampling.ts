import { toRng, type Rng } from '@proj/core';

/**
 * max(1, round(fraction * numClients)) distinct client ids drawn uniformly
 * without replacement (Flower's fraction_fit, FedAvg's C), sorted.
 */
export function sampleClients(numClients: number, fraction: number, seed: number | Rng): number[] {
  if (!Number.isInteger(numClients) || numClients < 1) throw new Error(`sampleClients: numClients must be an integer >= 1, got ${numClients}`);
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`sampleClients: fraction must be in (0, 1], got ${fraction}`);
  const m = Math.max(1, Math.round(fraction * numClients));
  return Array.from(toRng(seed).permutation(numClients).subarray(0, m)).sort((a, b) => a - b);
}
