import { Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type GeneratorNetwork, type KernelInit, type Network } from './network.js';
import { leakyRelu } from './leaky_relu.js';
import { SpectralNorm } from './spectral_norm.js';

export interface Dcgan28Options {
  /** Noise dimension (ours: 64; DCGAN used 100 for 64x64 images). */
  zDim?: number;
  /** Base channel count w: G runs 4w -> 2w -> 1 channels, D 1 -> w -> 2w (ours: 16 for G, 32 for D). */
  width?: number;
  /** Spectral normalization on D's kernels (default false). */
  spectralNorm?: boolean;
  /** Kernel init (ours: 'he', since there is no batch norm; DCGAN's 0.02 assumes it). */
  init?: KernelInit;
  seed: number | Rng;
}

/**
 * DCGAN-like generator for 28x28 grayscale (Radford et al. 2016, scaled to
 * MNIST): z -> dense 7x7x4w, ReLU -> 5x5 transposed conv stride 2 to 14x14x2w,
 * ReLU -> 5x5 transposed conv stride 2 to 28x28x1, tanh. No batch norm: at
 * this size Adam(2e-4, beta1 0.5) trains it stably, and BN statistics would
 * couple the sparse and dense runs' batches in ways the comparison does not need.
 */
export function dcganGenerator28(options: Dcgan28Options): GeneratorNetwork {
  const zDim = options.zDim ?? 64;
  const w = options.width ?? 16;
  checkPositiveInt({ zDim, width: w }, 'dcganGenerator28');
  const p = new ParameterFactory('g', toRng(options.seed), options.init ?? 'he');
  const fc = p.kernel('fc', [zDim, 7 * 7 * 4 * w]);
  const fcB = p.bias('fc', 7 * 7 * 4 * w);
  // conv2dTranspose filters are [kh, kw, outChannels, inChannels].
  const up1 = p.kernel('up1', [5, 5, 2 * w, 4 * w], (25 * 4 * w) / 4);
  const up1B = p.bias('up1', 2 * w);
  const up2 = p.kernel('up2', [5, 5, 1, 2 * w], (25 * 2 * w) / 4);
  const up2B = p.bias('up2', 1);
  return {
    scope: p.scope,
    variables: p.variables,
    prunable: p.prunable,
    zDim,
    outputShape: [28, 28, 1],
    apply: (z) =>
      tf.tidy(() => {
        checkInput(z, [zDim], 'dcganGenerator28');
        const n = z.shape[0];
        let h: tf.Tensor4D = tf.reshape(tf.relu(tf.add(tf.matMul(z as tf.Tensor2D, fc), fcB)), [n, 7, 7, 4 * w]);
        h = tf.relu(tf.add(tf.conv2dTranspose(h, up1 as tf.Tensor4D, [n, 14, 14, 2 * w], 2, 'same'), up1B)) as tf.Tensor4D;
        return tf.tanh(tf.add(tf.conv2dTranspose(h, up2 as tf.Tensor4D, [n, 28, 28, 1], 2, 'same'), up2B));
      }),
  };
}

/**
 * DCGAN-like discriminator for 28x28 grayscale: 4x4 conv stride 2 to
 * 14x14xw, LeakyReLU(0.2) -> 4x4 conv stride 2 to 7x7x2w, LeakyReLU(0.2) ->
 * dense to one logit (DCGAN's leak 0.2, no batch norm).
 */
export function dcganDiscriminator28(options: Dcgan28Options): Network {
  const w = options.width ?? 32;
  checkPositiveInt({ width: w }, 'dcganDiscriminator28');
  const rng = toRng(options.seed);
  const p = new ParameterFactory('d', rng, options.init ?? 'he');
  const convs = [p.kernel('conv1', [4, 4, 1, w]), p.kernel('conv2', [4, 4, w, 2 * w]), p.kernel('fc', [7 * 7 * 2 * w, 1])];
  const biases = [p.bias('conv1', w), p.bias('conv2', 2 * w), p.bias('fc', 1)];
  const sn = options.spectralNorm ? convs.map((k) => new SpectralNorm(k, rng)) : undefined;
  return {
    scope: p.scope,
    variables: p.variables,
    prunable: p.prunable,
    apply: (x, training = false) => {
      checkInput(x, [28, 28, 1], 'dcganDiscriminator28');
      return tf.tidy(() => {
        const k = sn ? sn.map((s) => s.normalized(training)) : convs;
        const n = x.shape[0];
        let h = leakyRelu(tf.add(tf.conv2d(x as tf.Tensor4D, k[0] as tf.Tensor4D, 2, 'same'), biases[0]), 0.2);
        h = leakyRelu(tf.add(tf.conv2d(h as tf.Tensor4D, k[1] as tf.Tensor4D, 2, 'same'), biases[1]), 0.2);
        return tf.add(tf.matMul(tf.reshape(h, [n, 7 * 7 * 2 * w]), k[2] as tf.Tensor2D), biases[2]);
      });
    },
  };
}

/** Throws unless every value is a positive integer. */
export function checkPositiveInt(values: Record<string, number>, fn: string): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${fn}: ${name} must be a positive integer, got ${v}`);
  }
}

/** Throws unless `x` is [n, ...example] with n >= 1. */
export function checkInput(x: tf.Tensor, example: readonly number[], fn: string): void {
  const ok = x instanceof tf.Tensor && x.rank === example.length + 1 && x.shape[0] >= 1 && example.every((d, i) => x.shape[i + 1] === d);
  if (!ok) {
    const got = x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : String(x);
    throw new Error(`${fn}: input must have shape [n, ${example.join(', ')}], got ${got}`);
  }
}
