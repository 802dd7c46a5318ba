import type { PaperRef } from '@proj/core';

/** The papers this package implements. */
export const papers: readonly PaperRef[] = [
  { title: 'Self-supervised learning for mammography', arxiv: '2203.08812' },
];

export { convEncoder, cloneEncoder, TILE_ENCODER } from './encoder.js';
export type { ConvEncoder, ConvEncoderConfig } from './encoder.js';
export { batchNorm, dense, sequential, disposeModule } from './layers.js';
export type { Module } from './layers.js';
export { mlpHead } from './heads.js';
export type { Head } from './heads.js';
export { copyWeights, emaUpdate, emaMomentum } from './ema.js';

export { compose } from './transforms/augmentation.js';
export type { Augmentation } from './transforms/augmentation.js';
export { randomResizedCrop, horizontalFlip, verticalFlip, rotate90, smallRotation } from './transforms/geometric.js';
export type { RandomResizedCropConfig } from './transforms/geometric.js';
export { brightness, contrast, gamma } from './transforms/intensity.js';
export { gaussianBlur, gaussianKernel } from './transforms/blur.js';
export type { GaussianBlurConfig } from './transforms/blur.js';
export { gaussianNoise } from './transforms/noise.js';
export { cutout } from './transforms/cutout.js';
export { simclrPreset, mammogramPreset } from './transforms/presets.js';
export type { PresetOptions } from './transforms/presets.js';

export { l2Normalize } from './loss/normalize.js';
export { ntXentLoss, NT_XENT_TEMPERATURE } from './loss/nt_xent.js';
export { byolLoss } from './loss/negative_cosine.js';
export { sinkhorn, SINKHORN_DEFAULTS } from './loss/sinkhorn.js';
export type { SinkhornConfig } from './loss/sinkhorn.js';
export { swavLoss, SWAV_TEMPERATURE } from './loss/swav.js';
export { barlowTwinsLoss, BARLOW_TWINS_LAMBDA } from './loss/barlow_twins.js';

export * from './methods/index.js';
export { pretrain, PRETRAIN_DEFAULTS } from './pretrain.js';
export type { PretrainConfig, PretrainOptions } from './pretrain.js';

export { toTiles, tileByTile, fullyConvolutional } from './tile_grid.js';
export { imageBags } from './bags.js';
export type { WholeImages } from './bags.js';
export { POOLING_NAMES } from './pooling/mil_pooling.js';
export type { MilPooling, PooledBag, PoolingName } from './pooling/mil_pooling.js';
export { maxPooling, meanPooling } from './pooling/max_mean.js';
export { attentionMilPooling, gatedAttentionMilPooling, ATTENTION_HIDDEN } from './pooling/attention.js';
export { createPooling } from './pooling/create.js';
export { wholeImageModel, binaryCrossEntropy } from './whole_image_model.js';
export type { WholeImageModel, FeatureScale } from './whole_image_model.js';
export { trainMilOnBags, fineTuneWholeImage, predictBags, MIL_TRAIN_DEFAULTS, FINE_TUNE_DEFAULTS } from './train_mil.js';
export type { Bags, MilTrainConfig, FineTuneConfig } from './train_mil.js';

export { embed } from './eval/embed.js';
export { linearProbe, featureStats, LINEAR_PROBE_DEFAULTS } from './eval/linear_probe.js';
export type { FeatureSet, LinearProbeConfig } from './eval/linear_probe.js';
export { knnAccuracy, KNN_DEFAULTS } from './eval/knn.js';
export type { KnnConfig } from './eval/knn.js';
export { auc, bootstrapAuc } from './eval/auc.js';
export type { AucInterval } from './eval/auc.js';
export { labelFraction } from './eval/label_fraction.js';

export { makeTiledImages } from './data/tiled_images.js';
export type { TiledImages, TiledImagesConfig } from './data/tiled_images.js';
export { loadImageFolder } from './data/image_folder.js';
export type { ImageFolder } from './data/image_folder.js';
