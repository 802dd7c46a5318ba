export * as tf from './tf.js';
export { initBackend, backendInfo, BACKEND_NAMES } from './backend.js';
export type { BackendInfo, BackendName, InitBackendOptions } from './backend.js';
export { registerFastKernels, unregisterFastKernels, useNative, csrFromDense, sparseMatMul } from './kernels/index.js';
export type { NativeStatus, CsrMatrix } from './kernels/index.js';
export { Rng, toRng, logGamma } from './rng.js';
export {
  paramLayout,
  countParams,
  flattenParams,
  unflattenParams,
  assignParams,
  mapParams,
  modelVariables,
} from './params.js';
export type { NamedTensors, ParamEntry, ParamLayout } from './params.js';
export {
  weightMask,
  onesMask,
  maskTensor,
  applyMask,
  maskStats,
  intersectMasks,
  unionMasks,
  serializeMasks,
  deserializeMasks,
} from './masks.js';
export type { WeightMask, MaskSet, MaskStats, SerializedMaskSet } from './masks.js';
export { train, clipByGlobalNorm } from './training.js';
export { Adam, adam } from './optimizers/adam.js';
export type { AdamOptions } from './optimizers/adam.js';
export type { TrainOptions, TrainHistory, StepContext } from './training.js';
export { silentProgress, terminalProgress } from './progress.js';
export type { ProgressReporter, TerminalProgressOptions } from './progress.js';
export * from './data/index.js';
export * from './io/index.js';
export * from './image/index.js';
export { symmetricEigen, symmetricSqrt } from './linalg/symmetric_eigen.js';
export type { PaperRef } from './paper.js';
export { gridSample, identityGrid } from './warp/grid_sample.js';
