/**
 * BYOL (Grill et al. 2020): an online encoder + projector + predictor learns
 * to predict a target encoder + projector's projection of the other view;
 * the target is an EMA of the online weights and gets no gradient. The loss
 * is symmetrized over the two views.
 */
import { type Rng, tf } from '@proj/core';
import { convEncoder, type ConvEncoder } from '../encoder.js';
import { copyWeights, emaMomentum, emaUpdate } from '../ema.js';
import { mlpHead } from '../heads.js';
import { disposeModule } from '../layers.js';
import { byolLoss } from '../loss/negative_cosine.js';
import { stopGradient } from '../loss/stop_gradient.js';
import type { SslMethod } from './method.js';

export interface ByolConfig {
  /** Hidden width of projector and predictor (BYOL: 4096; scaled down). */
  hidden: number;
  /** Projection size (BYOL: 256). */
  projection: number;
  /** Base EMA momentum; BYOL uses 0.996 for 1000 epochs and 0.99 for its shorter 300-epoch runs, and so do we. */
  tauBase: number;
}

export const BYOL_DEFAULTS: ByolConfig = { hidden: 128, projection: 64, tauBase: 0.99 };

export function byol(encoder: ConvEncoder, rng: Rng, config: Partial<ByolConfig> = {}): SslMethod {
  const cfg = { ...BYOL_DEFAULTS, ...config };
  const projector = mlpHead(encoder.dim, [cfg.hidden], cfg.projection, rng);
  const predictor = mlpHead(cfg.projection, [cfg.hidden], cfg.projection, rng);
  // The target starts as a copy of the online network (its own init is overwritten).
  const targetEncoder = convEncoder(encoder.config, rng.split());
  const targetProjector = mlpHead(encoder.dim, [cfg.hidden], cfg.projection, rng.split());
  const online = [...encoder.variables, ...projector.variables];
  const target = [...targetEncoder.variables, ...targetProjector.variables];
  copyWeights(target, online);
  const predict = (v: tf.Tensor4D) => predictor.apply(projector.apply(encoder.apply(v)));
  const aim = (v: tf.Tensor4D) => stopGradient(targetProjector.apply(targetEncoder.apply(v)));
  return {
    name: 'byol',
    encoder,
    variables: [...online, ...predictor.variables],
    loss: (v1, v2) => tf.add(byolLoss(predict(v1), aim(v2)), byolLoss(predict(v2), aim(v1))) as tf.Scalar,
    afterStep: (step, total) => emaUpdate(target, online, emaMomentum(cfg.tauBase, step, total)),
    dispose: () => {
      for (const m of [projector, predictor, targetEncoder, targetProjector]) disposeModule(m);
    },
  };
}
