import type { Rng } from '@proj/core';
import type { ConvEncoder } from '../encoder.js';
import { barlowTwins } from './barlow_twins.js';
import { byol } from './byol.js';
import { METHOD_NAMES, type MethodName, type SslMethod } from './method.js';
import { simclr } from './simclr.js';
import { swav } from './swav.js';

/** The method called `name`, with its default heads, around `encoder`. */
export function createMethod(name: MethodName, encoder: ConvEncoder, rng: Rng): SslMethod {
  switch (name) {
    case 'simclr':
      return simclr(encoder, rng);
    case 'byol':
      return byol(encoder, rng);
    case 'swav':
      return swav(encoder, rng);
    case 'barlowtwins':
      return barlowTwins(encoder, rng);
    default:
      throw new Error(`createMethod: name must be one of ${METHOD_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
}
