import { modelVariables, type Rng, type tf } from '@proj/core';
import { DENSITY_SCHEMES, layerDensities, type DensityScheme } from './densities.js';
import { graspDensities } from './grasp.js';
import { prunableLayers, type PrunableLayer } from './layers.js';
import { MaskedWeights } from './masked_weights.js';
import { randomMasks } from './random_masks.js';
import type { ScoreBatch } from './saliency_ratios.js';
import { snipDensities } from './snip.js';

/** A shape-based scheme, or layer ratios taken from a one-batch SNIP / GraSP score. */
export type InitScheme = DensityScheme | 'snip' | 'grasp';

export interface PruneAtInitOptions {
  scheme: InitScheme;
  /** Global density in (0, 1]. */
  density: number;
  /** Seeds the random masks. */
  seed: number | Rng;
  /** Layers kept dense (shape-based schemes). */
  denseLayers?: readonly string[];
  erkPowerScale?: number;
  /** The one batch that SNIP and GraSP score on. */
  batch?: ScoreBatch;
}

export interface SparseInit {
  layers: PrunableLayer[];
  densities: Record<string, number>;
  /** The model's kernels under their masks, already applied; pass `masked.afterStep` to `train()`. */
  masked: MaskedWeights;
}

/**
 * Random pruning at initialization (arXiv:2202.02643): layer densities from the
 * scheme, masks drawn uniformly at random at those densities, and the model's
 * kernels zeroed outside them. Train with `afterStep: [masked.afterStep]` to
 * keep them sparse.
 */
export function pruneAtInit(model: tf.LayersModel, opts: PruneAtInitOptions): SparseInit {
  const layers = prunableLayers(model);
  if (layers.length === 0) throw new Error('pruneAtInit: the model has no prunable (conv or dense) kernels');
  let densities: Record<string, number>;
  if (opts.scheme === 'snip' || opts.scheme === 'grasp') {
    if (!opts.batch) throw new Error(`pruneAtInit: scheme '${opts.scheme}' needs opts.batch, the batch it scores on`);
    densities = (opts.scheme === 'snip' ? snipDensities : graspDensities)(model, opts.batch, opts.density);
  } else if (DENSITY_SCHEMES.includes(opts.scheme)) {
    densities = layerDensities(layers, opts as PruneAtInitOptions & { scheme: DensityScheme });
  } else {
    throw new Error(`pruneAtInit: unknown scheme ${JSON.stringify(opts.scheme)}; expected one of ${[...DENSITY_SCHEMES, 'snip', 'grasp'].join(', ')}`);
  }
  const masked = new MaskedWeights(modelVariables(model), randomMasks(layers, densities, opts.seed));
  masked.apply();
  return { layers, densities, masked };
}
