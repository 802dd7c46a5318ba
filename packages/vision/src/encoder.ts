/**
 * The patch encoder: an all-convolutional net (strided 3x3 convolutions, no
 * pooling, no dense layer) whose feature map is averaged into one embedding.
 * Being fully convolutional is what lets the same weights run on a whole
 * image and give a grid of patch features (tile_grid.ts), as in the
 * patch-to-whole-image conversion of Shen et al. (Sci. Rep. 2019).
 */
import { Rng, tf } from '@proj/core';
import { constant, heNormal, type Module } from './layers.js';

export interface ConvEncoderConfig {
  /** Input channels (1 for grayscale). */
  channels: number;
  /** Filters of each 3x3 conv layer. */
  filters: number[];
  /** Stride of each layer (same length as `filters`). */
  strides: number[];
}

/** Our default for 28x28 tiles: 28 -> 14 -> 7 -> 7, a 64-d embedding (sized for 2 CPU cores). */
export const TILE_ENCODER: ConvEncoderConfig = { channels: 1, filters: [32, 64, 64], strides: [2, 2, 1] };

export interface ConvEncoder extends Module {
  readonly config: ConvEncoderConfig;
  /** Embedding size (the last layer's filters). */
  readonly dim: number;
  /** Product of the strides: one feature-map cell per `stride x stride` input pixels. */
  readonly stride: number;
  /** The feature map [n, h/stride, w/stride, dim] before averaging. */
  featureMap(x: tf.Tensor): tf.Tensor4D;
  /** The embedding [n, dim]: the feature map averaged over space. */
  apply(x: tf.Tensor): tf.Tensor2D;
}

/** A seeded conv encoder. */
export function convEncoder(config: ConvEncoderConfig, rng: Rng): ConvEncoder {
  const { channels, filters, strides } = config;
  if (!(Number.isInteger(channels) && channels >= 1)) throw new Error(`convEncoder: channels must be an integer >= 1, got ${channels}`);
  if (filters.length === 0 || filters.length !== strides.length) {
    throw new Error(`convEncoder: filters and strides must be non-empty and of equal length, got ${filters.length} and ${strides.length}`);
  }
  const kernels: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  let cin = channels;
  for (const f of filters) {
    kernels.push(heNormal([3, 3, cin, f], 9 * cin, rng));
    biases.push(constant([f], 0));
    cin = f;
  }
  const featureMap = (x: tf.Tensor): tf.Tensor4D => {
    if (x.rank !== 4 || x.shape[3] !== channels) {
      throw new Error(`convEncoder: input must be [n, height, width, ${channels}], got [${x.shape.join(', ')}]`);
    }
    let h = x as tf.Tensor4D;
    for (let i = 0; i < kernels.length; i++) {
      h = tf.fused.conv2d({ x: h, filter: kernels[i] as tf.Tensor4D, strides: strides[i], pad: 'same', bias: biases[i], activation: 'relu' });
    }
    return h;
  };
  return {
    config,
    dim: filters[filters.length - 1],
    stride: strides.reduce((a, b) => a * b, 1),
    variables: kernels.flatMap((k, i) => [k, biases[i]]),
    featureMap,
    apply: (x) => tf.mean(featureMap(x), [1, 2]) as tf.Tensor2D,
  };
}

/** An encoder of the same architecture holding a copy of `encoder`'s weights (e.g. to fine-tune one copy). */
export function cloneEncoder(encoder: ConvEncoder): ConvEncoder {
  // The seed only fills weights that are overwritten at once.
  const copy = convEncoder(encoder.config, new Rng(0));
  tf.tidy(() => copy.variables.forEach((v, i) => v.assign(encoder.variables[i])));
  return copy;
}
