import type { PaperRef } from '@proj/core';

/** The papers this package implements. */
export const papers: readonly PaperRef[] = [
  { title: 'STU-GAN: sparse-to-sparse GAN training', arxiv: '2203.02770' },
  { title: 'DaGAN: depth-aware generative adversarial network for talking head video generation', arxiv: '2203.06605' },
];

// GAN training core (generic: any generator/discriminator pair).
export { ParameterFactory, disposeNetwork, localName, uniqueScope } from './network.js';
export type { GeneratorNetwork, KernelInit, Network } from './network.js';
export { discriminatorLoss, generatorLoss, GAN_LOSSES } from './gan_losses.js';
export type { GanLoss } from './gan_losses.js';
export { GanTrainer, sampleGenerator } from './gan_trainer.js';
export type { GanHooks, GanStepResult, GanTrainerConfig } from './gan_trainer.js';
export { EmaGenerator } from './ema_generator.js';
export type { EmaOptions } from './ema_generator.js';
export { saveGanCheckpoint, loadGanCheckpoint } from './checkpoint.js';
export { SpectralNorm } from './spectral_norm.js';
export { dcganGenerator28, dcganDiscriminator28 } from './dcgan.js';
export type { Dcgan28Options } from './dcgan.js';
export { snganGenerator32, snganDiscriminator32 } from './sngan.js';
export type { Sngan32Options } from './sngan.js';
// Evaluation.
export { frechetDistance, gaussianStats } from './frechet_distance.js';
export type { GaussianStats } from './frechet_distance.js';
export { FeatureClassifier } from './feature_classifier.js';
export type { FeatureClassifierOptions } from './feature_classifier.js';
// STU-GAN.
export { stuGan } from './stu_gan.js';
export type { SparseGan, StuGanConfig } from './stu_gan.js';
// DaGAN.
export {
  DEFAULT_HEAD_MOTION,
  HEAD_CAMERA,
  randomIdentity,
  renderHead,
  syntheticTalkingHeads,
  talkingHeadPoses,
} from './dagan/synthetic_heads.js';
export type { HeadIdentity, HeadMotion, HeadPose, RenderedFrame, SyntheticHeadsOptions, TalkingHeadVideos } from './dagan/synthetic_heads.js';
export { loadFrameFolders } from './dagan/video_loader.js';
export type { VideoClip } from './dagan/video_loader.js';
