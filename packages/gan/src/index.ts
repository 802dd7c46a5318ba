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
  HEAD_LANDMARKS,
  headCentre,
  headLandmarks,
  headRotation,
  randomIdentity,
  relativeCameraMotion,
  renderHead,
  SKIN_CONTRAST,
  syntheticTalkingHeads,
  talkingHeadPoses,
} from './dagan/synthetic_heads.js';
export type { HeadIdentity, HeadMotion, HeadPose, RenderedFrame, SyntheticHeadsOptions, TalkingHeadVideos } from './dagan/synthetic_heads.js';
export { loadFrameFolders } from './dagan/video_loader.js';
export type { VideoClip } from './dagan/video_loader.js';
export { depthNet } from './dagan/depth_net.js';
export type { DepthNetOptions, DepthNetwork } from './dagan/depth_net.js';
export { poseNet } from './dagan/pose_net.js';
export type { PoseNetOptions } from './dagan/pose_net.js';
export { frameTriplets, framePairs } from './dagan/video_batches.js';
export type { Clip } from './dagan/video_batches.js';
export {
  axisAngleToMatrix,
  photometricError,
  reprojectionGrid,
  selfSupervisedDepthLoss,
  smoothnessLoss,
  trainSelfSupervisedDepth,
} from './dagan/self_supervised_depth.js';
export type { DepthLossOptions, DepthTrainingOptions } from './dagan/self_supervised_depth.js';
export { averageKeypointDistance, meanAbsoluteError, spearman } from './dagan/metrics.js';
export { keypointDetector } from './dagan/keypoint_detector.js';
export type { KeypointDetector, KeypointDetectorOptions, Keypoints } from './dagan/keypoint_detector.js';
export { coordinateGrid, detachKeypoints, inverse2x2, keypointGaussians, stopGradient } from './dagan/keypoints.js';
export { denseMotionNetwork } from './dagan/dense_motion.js';
export type { DenseMotion, DenseMotionOptions } from './dagan/dense_motion.js';
export { crossModalAttention } from './dagan/cross_modal_attention.js';
export type { CrossModalAttention } from './dagan/cross_modal_attention.js';
export { upsampleNearest2x } from './dagan/conv_blocks.js';
export type { Upsampling } from './dagan/conv_blocks.js';
export { daganGenerator } from './dagan/generator.js';
export type { DaganGenerator, DaganGeneratorOptions, GeneratorOutput } from './dagan/generator.js';
export { multiScaleDiscriminator } from './dagan/discriminator.js';
export type { DiscriminatorOutput, MultiScaleDiscriminator, MultiScaleDiscriminatorOptions } from './dagan/discriminator.js';
export { trainFeatureExtractor } from './dagan/feature_extractor.js';
export type { FeatureExtractor, FeatureExtractorOptions } from './dagan/feature_extractor.js';
export { equivarianceLosses, featureL1, imagePyramid, keypointSeparationLoss, RandomAffine } from './dagan/losses.js';
export { softmaxOver } from './dagan/softmax.js';
export { DaganModel, DAGAN_LOSS_WEIGHTS } from './dagan/dagan_model.js';
export type { DaganConfig, DaganLosses, DaganLossWeights } from './dagan/dagan_model.js';
export { trainLandmarkRegressor } from './dagan/landmark_regressor.js';
export type { LandmarkRegressor, LandmarkTrainingOptions } from './dagan/landmark_regressor.js';
