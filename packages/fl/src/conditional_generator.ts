/**
 * FedFTG's conditional generator (official code: models/gan_models.py,
 * CGeneratorA): noise z and the one-hot label each go through a linear layer
 * to ngf feature maps of size H/4 x W/4, are concatenated, batch-normalized,
 * and upsampled twice (nearest x2, conv3x3 + BN + LeakyReLU 0.2) to the image.
 *
 * One deliberate change: the official output is tanh followed by an affine-free
 * BatchNorm, matching inputs standardized per channel; the models here take
 * pixels in [0, 1], so the last layer is a sigmoid instead.
 */
import { tf, toRng, type Rng } from '@proj/core';

export interface ConditionalGeneratorConfig {
  /** Noise dimension; 100 in the official code for CIFAR-10/MNIST. */
  noiseDim: number;
  numClasses: number;
  /** [height, width, channels]; height and width divisible by 4. */
  imageShape: readonly [number, number, number];
  /** Base feature maps; 64 in the official code. */
  ngf: number;
  seed: number | Rng;
}

export function conditionalGenerator(config: ConditionalGeneratorConfig): tf.LayersModel {
  const { noiseDim, numClasses, imageShape, ngf } = config;
  const [h, w, c] = imageShape;
  if (h % 4 !== 0 || w % 4 !== 0 || !(c >= 1)) {
    throw new Error(`conditionalGenerator: imageShape must be [h, w, c] with h and w divisible by 4, got [${imageShape.join(', ')}]`);
  }
  if (!Number.isInteger(ngf) || ngf < 1) throw new Error(`conditionalGenerator: ngf must be an integer >= 1, got ${ngf}`);
  const rng = toRng(config.seed);
  const init = () => tf.initializers.glorotUniform({ seed: rng.tfSeed() });
  const [h0, w0] = [h / 4, w / 4];
  const z = tf.input({ shape: [noiseDim], name: 'noise' });
  const y = tf.input({ shape: [numClasses], name: 'label' });
  const fromNoise = tf.layers.dense({ units: ngf * h0 * w0, kernelInitializer: init() }).apply(z) as tf.SymbolicTensor;
  const fromLabel = tf.layers.dense({ units: ngf * h0 * w0, kernelInitializer: init() }).apply(y) as tf.SymbolicTensor;
  const maps = (t: tf.SymbolicTensor) => tf.layers.reshape({ targetShape: [h0, w0, ngf] }).apply(t) as tf.SymbolicTensor;
  // torch's BatchNorm momentum 0.1 is tfjs's 0.9.
  const bn = () => tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  const conv = (filters: number) => tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', kernelInitializer: init() });
  let x = tf.layers.concatenate({ axis: -1 }).apply([maps(fromNoise), maps(fromLabel)]) as tf.SymbolicTensor;
  const chain = [
    bn(),
    tf.layers.upSampling2d({ size: [2, 2] }),
    conv(2 * ngf),
    bn(),
    tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.upSampling2d({ size: [2, 2] }),
    conv(ngf),
    bn(),
    tf.layers.leakyReLU({ alpha: 0.2 }),
    conv(c),
    tf.layers.activation({ activation: 'sigmoid' }),
  ];
  for (const layer of chain) x = layer.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, y], outputs: x });
}

export interface ConditionalMlpGeneratorConfig extends Omit<ConditionalGeneratorConfig, 'ngf'> {
  /** Width of the hidden layer. */
  hidden: number;
}

/**
 * A dense stand-in for `conditionalGenerator` with the same inputs and
 * conditioning (z and the one-hot label each through a linear layer,
 * concatenated): BN + LeakyReLU 0.2, one hidden layer, a sigmoid image. Not
 * in the paper; it exists because on a CPU the convolutional generator's
 * per-teacher steps dominate a round, and small images do not need it.
 */
export function conditionalMlpGenerator(config: ConditionalMlpGeneratorConfig): tf.LayersModel {
  const { noiseDim, numClasses, imageShape, hidden } = config;
  if (!Number.isInteger(hidden) || hidden < 1) throw new Error(`conditionalMlpGenerator: hidden must be an integer >= 1, got ${hidden}`);
  if (imageShape.length !== 3 || imageShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`conditionalMlpGenerator: imageShape must be [h, w, c] of positive integers, got [${imageShape.join(', ')}]`);
  }
  const rng = toRng(config.seed);
  const init = () => tf.initializers.glorotUniform({ seed: rng.tfSeed() });
  const z = tf.input({ shape: [noiseDim], name: 'noise' });
  const y = tf.input({ shape: [numClasses], name: 'label' });
  const fromNoise = tf.layers.dense({ units: hidden, kernelInitializer: init() }).apply(z) as tf.SymbolicTensor;
  const fromLabel = tf.layers.dense({ units: hidden, kernelInitializer: init() }).apply(y) as tf.SymbolicTensor;
  let x = tf.layers.concatenate({ axis: -1 }).apply([fromNoise, fromLabel]) as tf.SymbolicTensor;
  const size = imageShape[0] * imageShape[1] * imageShape[2];
  const chain = [
    tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
    tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.dense({ units: 2 * hidden, kernelInitializer: init() }),
    tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
    tf.layers.leakyReLU({ alpha: 0.2 }),
    tf.layers.dense({ units: size, activation: 'sigmoid', kernelInitializer: init() }),
    tf.layers.reshape({ targetShape: [...imageShape] }),
  ];
  for (const layer of chain) x = layer.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, y], outputs: x });
}
