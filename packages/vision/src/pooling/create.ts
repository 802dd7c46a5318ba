import type { Rng } from '@proj/core';
import { attentionMilPooling, gatedAttentionMilPooling } from './attention.js';
import { maxPooling, meanPooling } from './max_mean.js';
import { POOLING_NAMES, type MilPooling, type PoolingName } from './mil_pooling.js';

/** The pooling called `name` for `dim`-sized tile embeddings (rng seeds the attention weights). */
export function createPooling(name: PoolingName, dim: number, rng: Rng): MilPooling {
  switch (name) {
    case 'max':
      return maxPooling();
    case 'mean':
      return meanPooling();
    case 'attention':
      return attentionMilPooling(dim, rng);
    case 'gated':
      return gatedAttentionMilPooling(dim, rng);
    default:
      throw new Error(`createPooling: name must be one of ${POOLING_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
}
