/** SimCLR (Chen et al. 2020): encoder + projection head, NT-Xent between the two views. */
import { type Rng } from '@proj/core';
import type { ConvEncoder } from '../encoder.js';
import { mlpHead } from '../heads.js';
import { disposeModule } from '../layers.js';
import { NT_XENT_TEMPERATURE, ntXentLoss } from '../loss/nt_xent.js';
import type { SslMethod } from './method.js';

export interface SimClrConfig {
  /** Hidden width of the projection head (SimCLR: 2048 for ResNet-50; scaled down for small encoders). */
  hidden: number;
  /** Projection size (SimCLR: 128). */
  projection: number;
  temperature: number;
}

export const SIMCLR_DEFAULTS: SimClrConfig = { hidden: 128, projection: 64, temperature: NT_XENT_TEMPERATURE };

export function simclr(encoder: ConvEncoder, rng: Rng, config: Partial<SimClrConfig> = {}): SslMethod {
  const cfg = { ...SIMCLR_DEFAULTS, ...config };
  const head = mlpHead(encoder.dim, [cfg.hidden], cfg.projection, rng);
  return {
    name: 'simclr',
    encoder,
    variables: [...encoder.variables, ...head.variables],
    loss: (v1, v2) => ntXentLoss(head.apply(encoder.apply(v1)), head.apply(encoder.apply(v2)), cfg.temperature),
    dispose: () => disposeModule(head),
  };
}
