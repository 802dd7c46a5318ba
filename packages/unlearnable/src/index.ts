import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements. */
export const papers: readonly PaperRef[] = [
  { title: 'Robust unlearnable examples', arxiv: '2203.14533' },
];

export { checkPgdConfig, pgdPerturbation, projectLinf } from './pgd.js';
export type { PgdConfig, PgdOptions } from './pgd.js';
export { madryPgd, pgdAttack } from './attack.js';
export { augment, augmentIndices, reindex, CROP_FLIP, SMALL_SHIFT_FLIP } from './augment.js';
export type { AugmentConfig } from './augment.js';
export { accuracy, crossEntropy, disposeSgd, modelStep, regularizedLoss, sgd, stepDecay } from './classifier.js';
export type { SgdConfig } from './classifier.js';
export { trainClassifier } from './adversarial_training.js';
export type { TrainerConfig, TrainerResult } from './adversarial_training.js';
export { applyNoise, noiseRows, setNoiseRows, zeroNoise } from './noise.js';
export type { DefensiveNoise } from './noise.js';
export { errorMinimizingNoise, EM_CLASS_WISE, EM_SAMPLE_WISE } from './em.js';
export type { EmConfig, EmResult } from './em.js';
export { remDefensiveNoise, robustErrorMinimizingNoise, REM_OFFICIAL } from './rem.js';
export type { RemConfig, RemResult } from './rem.js';
export {
  checkNoise,
  loadNoise,
  loadProtected,
  noisePathFor,
  partialNoise,
  ProtectedDataset,
  quantizeNoise,
  saveNoise,
} from './protected_dataset.js';
export type { QuantizedNoise } from './protected_dataset.js';
