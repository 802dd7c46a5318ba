import type { PaperRef } from '@proj/core';

/** The paper this package implements. */
export const papers: readonly PaperRef[] = [
  { title: 'The Unreasonable Effectiveness of Random Pruning: Return of the Most Naive Baseline for Sparse Training', arxiv: '2202.02643' },
];

export { prunableLayers, sizeOf } from './layers.js';
export type { PrunableLayer } from './layers.js';
export { layerDensities, globalDensity, DENSITY_SCHEMES } from './densities.js';
export type { DensityScheme, LayerDensityOptions } from './densities.js';
export { randomMasks, keptCount } from './random_masks.js';
export { snipDensities } from './snip.js';
export { graspDensities, hessianGradientProduct } from './grasp.js';
export type { GraspOptions } from './grasp.js';
export { crossEntropyLoss } from './saliency_ratios.js';
export type { ScoreBatch, ScoreLoss } from './saliency_ratios.js';
export { MaskedWeights } from './masked_weights.js';
export { pruneAtInit } from './prune_at_init.js';
export type { InitScheme, PruneAtInitOptions, SparseInit } from './prune_at_init.js';
export { DynamicSparsity, rigl, set } from './dynamic_sparsity.js';
export type { DynamicSparsityConfig, GradientScores, PruneSchedule, SparsityUpdate } from './dynamic_sparsity.js';
export { exportSparse, importSparse, saveSparse, loadSparse } from './sparse_format.js';
export type { ExportSparseOptions } from './sparse_format.js';
export { SparseLinear } from './sparse_linear.js';
export type { SparseActivation } from './sparse_linear.js';
