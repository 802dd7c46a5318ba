import type { PrunableLayer } from '../src/index.js';

/** A small conv net in tfjs layout: sizes 36, 288 and 80 (404 weights), used for hand-computed densities. */
export const SMALL_CONV_NET: PrunableLayer[] = [
  { name: 'conv1', shape: [3, 3, 1, 4] },
  { name: 'conv2', shape: [3, 3, 4, 8] },
  { name: 'fc', shape: [8, 10] },
];
