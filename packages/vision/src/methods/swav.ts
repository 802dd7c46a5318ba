/**
 * SwAV (Caron et al. 2020): projections are L2-normalized and scored against
 * K learnable prototypes (kept on the unit sphere after every step); each
 * view's Sinkhorn codes are predicted from the other view. Two crops only
 * (no multi-crop) and no queue: our batches are large relative to K.
 */
import { type Rng, tf } from '@proj/core';
import type { ConvEncoder } from '../encoder.js';
import { mlpHead } from '../heads.js';
import { disposeModule, heNormal } from '../layers.js';
import { l2Normalize } from '../loss/normalize.js';
import { SINKHORN_DEFAULTS, type SinkhornConfig } from '../loss/sinkhorn.js';
import { SWAV_TEMPERATURE, swavLoss } from '../loss/swav.js';
import type { SslMethod } from './method.js';

export interface SwavConfig {
  /** Hidden width of the projector (SwAV: 2048; scaled down). */
  hidden: number;
  /** Projection size (SwAV: 128). */
  projection: number;
  /** Number of prototypes (SwAV: 3000 for ImageNet; about 3x the classes here). */
  prototypes: number;
  temperature: number;
  sinkhorn: SinkhornConfig;
}

export const SWAV_DEFAULTS: SwavConfig = {
  hidden: 128,
  projection: 64,
  prototypes: 32,
  temperature: SWAV_TEMPERATURE,
  sinkhorn: SINKHORN_DEFAULTS,
};

export function swav(encoder: ConvEncoder, rng: Rng, config: Partial<SwavConfig> = {}): SslMethod {
  const cfg = { ...SWAV_DEFAULTS, ...config };
  const projector = mlpHead(encoder.dim, [cfg.hidden], cfg.projection, rng);
  const prototypes = heNormal([cfg.projection, cfg.prototypes], cfg.projection, rng);
  const normalizePrototypes = () => tf.tidy(() => prototypes.assign(tf.transpose(l2Normalize(tf.transpose(prototypes) as tf.Tensor2D))));
  normalizePrototypes();
  const scores = (v: tf.Tensor4D) => tf.matMul(l2Normalize(projector.apply(encoder.apply(v))), prototypes) as tf.Tensor2D;
  return {
    name: 'swav',
    encoder,
    variables: [...encoder.variables, ...projector.variables, prototypes],
    loss: (v1, v2) => swavLoss(scores(v1), scores(v2), cfg.temperature, cfg.sinkhorn),
    afterStep: normalizePrototypes,
    dispose: () => {
      disposeModule(projector);
      prototypes.dispose();
    },
  };
}
