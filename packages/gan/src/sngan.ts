import { Rng, tf, toRng } from '@proj/core';
import { checkInput, checkPositiveInt } from './dcgan.js';
import { ParameterFactory, type GeneratorNetwork, type KernelInit, type Network } from './network.js';
import { leakyRelu } from './leaky_relu.js';
import { SpectralNorm } from './spectral_norm.js';

export interface Sngan32Options {
  /** Noise dimension (SNGAN, Miyato et al. 2018, Table 3: 128). */
  zDim?: number;
  /** Base width w: G 8w at 4x4 halving to w at 32x32, D w -> 8w (SNGAN's standard CNN: 64). */
  width?: number;
  /** Kernel init (ours: 'he'; spectral norm rescales D's kernels anyway). */
  init?: KernelInit;
  seed: number | Rng;
}

/**
 * The generator of SNGAN's "standard CNN" for 32x32 RGB (Miyato et al. 2018,
 * Table 3a), without batch norm: z -> dense 4x4x8w, ReLU -> three 4x4
 * transposed convs stride 2 (4w, 2w, w), ReLU -> 3x3 conv to 3 channels, tanh.
 */
export function snganGenerator32(options: Sngan32Options): GeneratorNetwork {
  const zDim = options.zDim ?? 128;
  const w = options.width ?? 64;
  checkPositiveInt({ zDim, width: w }, 'snganGenerator32');
  const p = new ParameterFactory('g', toRng(options.seed), options.init ?? 'he');
  const fc = p.kernel('fc', [zDim, 4 * 4 * 8 * w]);
  const fcB = p.bias('fc', 4 * 4 * 8 * w);
  const channels = [8 * w, 4 * w, 2 * w, w];
  const ups = [1, 2, 3].map((i) => ({
    k: p.kernel(`up${i}`, [4, 4, channels[i], channels[i - 1]], (16 * channels[i - 1]) / 4),
    b: p.bias(`up${i}`, channels[i]),
  }));
  const out = p.kernel('out', [3, 3, w, 3]);
  const outB = p.bias('out', 3);
  return {
    scope: p.scope,
    variables: p.variables,
    prunable: p.prunable,
    zDim,
    outputShape: [32, 32, 3],
    apply: (z) =>
      tf.tidy(() => {
        checkInput(z, [zDim], 'snganGenerator32');
        const n = z.shape[0];
        let h: tf.Tensor4D = tf.reshape(tf.relu(tf.add(tf.matMul(z as tf.Tensor2D, fc), fcB)), [n, 4, 4, 8 * w]);
        ups.forEach(({ k, b }, i) => {
          const size = 8 << i;
          h = tf.relu(tf.add(tf.conv2dTranspose(h, k as tf.Tensor4D, [n, size, size, channels[i + 1]], 2, 'same'), b)) as tf.Tensor4D;
        });
        return tf.tanh(tf.add(tf.conv2d(h, out as tf.Tensor4D, 1, 'same'), outB));
      }),
  };
}

/**
 * The discriminator of SNGAN's standard CNN (Miyato et al. 2018, Table 3b),
 * spectral normalization on every kernel: 3x3 conv w, 4x4 conv stride 2 w,
 * 3x3 conv 2w, 4x4 stride 2 2w, 3x3 conv 4w, 4x4 stride 2 4w, 3x3 conv 8w,
 * each LeakyReLU(0.1), then dense to one logit.
 */
export function snganDiscriminator32(options: Sngan32Options): Network {
  const w = options.width ?? 64;
  checkPositiveInt({ width: w }, 'snganDiscriminator32');
  const rng = toRng(options.seed);
  const p = new ParameterFactory('d', rng, options.init ?? 'he');
  const spec: Array<[size: number, stride: number, out: number]> = [
    [3, 1, w],
    [4, 2, w],
    [3, 1, 2 * w],
    [4, 2, 2 * w],
    [3, 1, 4 * w],
    [4, 2, 4 * w],
    [3, 1, 8 * w],
  ];
  let inC = 3;
  const convs = spec.map(([size, stride, outC], i) => {
    const layer = { k: p.kernel(`conv${i + 1}`, [size, size, inC, outC]), b: p.bias(`conv${i + 1}`, outC), stride };
    inC = outC;
    return layer;
  });
  const fc = p.kernel('fc', [4 * 4 * 8 * w, 1]);
  const fcB = p.bias('fc', 1);
  const sn = [...convs.map((c) => c.k), fc].map((k) => new SpectralNorm(k, rng));
  return {
    scope: p.scope,
    variables: p.variables,
    prunable: p.prunable,
    apply: (x, training = false) => {
      checkInput(x, [32, 32, 3], 'snganDiscriminator32');
      return tf.tidy(() => {
        let h = x as tf.Tensor4D;
        convs.forEach(({ b, stride }, i) => {
          h = leakyRelu(tf.add(tf.conv2d(h, sn[i].normalized(training) as tf.Tensor4D, stride, 'same'), b), 0.1) as tf.Tensor4D;
        });
        const flat = tf.reshape(h, [x.shape[0], 4 * 4 * 8 * w]);
        return tf.add(tf.matMul(flat, sn[convs.length].normalized(training) as tf.Tensor2D), fcB);
      });
    },
  };
}
