/** Barlow Twins (Zbontar et al. 2021): encoder + 3-layer projector, cross-correlation pushed to the identity. */
import { type Rng } from '@proj/core';
import type { ConvEncoder } from '../encoder.js';
import { mlpHead } from '../heads.js';
import { disposeModule } from '../layers.js';
import { BARLOW_TWINS_LAMBDA, barlowTwinsLoss } from '../loss/barlow_twins.js';
import type { SslMethod } from './method.js';

export interface BarlowTwinsConfig {
  /** Width of the projector's layers (Barlow Twins: 8192 x 3; scaled down). */
  width: number;
  lambda: number;
}

export const BARLOW_TWINS_DEFAULTS: BarlowTwinsConfig = { width: 256, lambda: BARLOW_TWINS_LAMBDA };

export function barlowTwins(encoder: ConvEncoder, rng: Rng, config: Partial<BarlowTwinsConfig> = {}): SslMethod {
  const cfg = { ...BARLOW_TWINS_DEFAULTS, ...config };
  const projector = mlpHead(encoder.dim, [cfg.width, cfg.width], cfg.width, rng);
  return {
    name: 'barlowtwins',
    encoder,
    variables: [...encoder.variables, ...projector.variables],
    loss: (v1, v2) => barlowTwinsLoss(projector.apply(encoder.apply(v1)), projector.apply(encoder.apply(v2)), cfg.lambda),
    dispose: () => disposeModule(projector),
  };
}
