import { Rng, tf, toRng } from '@proj/core';
import { leakyRelu } from '../leaky_relu.js';
import { ParameterFactory, type Network } from '../network.js';
import { keypointGaussians } from './keypoints.js';

export interface MultiScaleDiscriminatorOptions {
  /** Image scales, each judged by its own discriminator (FOMM's MultiScaleDiscriminator; DaGAN's vox config: [1]). */
  scales?: number[];
  /** Keypoints whose heatmaps are appended to the input (use_kp: true in DaGAN's config); 0 for none. */
  numKp: number;
  /** Channels of the first block (FOMM: 32); default 8. */
  width?: number;
  /** Stride-2 blocks (FOMM: 4); default 3. */
  blocks?: number;
  seed: number | Rng;
}

export interface DiscriminatorOutput {
  /** Per scale: the feature maps of every block (for feature matching) and the patch prediction map. */
  features: tf.Tensor4D[][];
  maps: tf.Tensor4D[];
}

export interface MultiScaleDiscriminator extends Network {
  readonly scales: readonly number[];
  judge(image: tf.Tensor4D, kp?: tf.Tensor3D): DiscriminatorOutput;
}

/**
 * FOMM's (and DaGAN's) patch discriminator: stride-2 conv blocks with
 * LeakyReLU 0.2, then a 1x1 conv to a map of real/fake scores, one such
 * network per image scale; keypoint heatmaps of the driving frame are
 * appended to the image (use_kp). Scales are made by 2x2 average pools, so
 * they must be 1, 0.5, 0.25, ...
 */
export function multiScaleDiscriminator(options: MultiScaleDiscriminatorOptions): MultiScaleDiscriminator {
  const scales = options.scales ?? [1];
  const width = options.width ?? 8;
  const blocks = options.blocks ?? 3;
  for (const s of scales) {
    if (!(s > 0 && s <= 1 && Number.isInteger(Math.log2(1 / s)))) throw new Error(`multiScaleDiscriminator: scales must be 1, 0.5, 0.25, ..., got ${s}`);
  }
  const f = new ParameterFactory('d', toRng(options.seed), 'he');
  const nets = scales.map((s) => {
    const ks = Array.from({ length: blocks }, (_, i) => ({
      w: f.kernel(`s${s}/block${i}`, [4, 4, i === 0 ? 3 : width * 2 ** (i - 1), width * 2 ** i], 16 * (i === 0 ? 3 + options.numKp : width * 2 ** (i - 1))),
      b: f.bias(`s${s}/block${i}`, width * 2 ** i),
    }));
    // The first block's kernel for the keypoint heatmaps: conv([image, heat]) = conv(image, W_img) + conv(heat, W_kp), without a concat.
    const kpKernel = options.numKp > 0 ? f.kernel(`s${s}/block0_kp`, [4, 4, options.numKp, width], 16 * (3 + options.numKp)) : undefined;
    const out = { w: f.kernel(`s${s}/out`, [1, 1, width * 2 ** (blocks - 1), 1]), b: f.bias(`s${s}/out`, 1) };
    return { ks, out, kpKernel };
  });
  const judge = (image: tf.Tensor4D, kp?: tf.Tensor3D): DiscriminatorOutput =>
    tf.tidy(() => {
      if (options.numKp > 0 && !kp) throw new Error('multiScaleDiscriminator: kp [n, numKp, 2] is required when numKp > 0');
      const features: tf.Tensor4D[][] = [];
      const maps: tf.Tensor4D[] = [];
      scales.forEach((s, si) => {
        let x = image;
        for (let k = 1; k < 1 / s; k *= 2) x = tf.avgPool(x, 2, 2, 'valid');
        const net = nets[si]!;
        let h = x;
        const feats: tf.Tensor4D[] = [];
        net.ks.forEach(({ w, b }, i) => {
          let y = tf.conv2d(h, w as tf.Tensor4D, 2, 'same');
          if (i === 0 && net.kpKernel) y = tf.add(y, tf.conv2d(keypointGaussians(kp!, x.shape[1], x.shape[2]), net.kpKernel as tf.Tensor4D, 2, 'same'));
          h = leakyRelu(tf.add(y, b), 0.2) as tf.Tensor4D;
          feats.push(h);
        });
        features.push(feats);
        maps.push(tf.add(tf.conv2d(h, nets[si]!.out.w as tf.Tensor4D, 1, 'same'), nets[si]!.out.b) as tf.Tensor4D);
      });
      return { features, maps };
    });
  return {
    scope: f.scope,
    variables: f.variables,
    prunable: f.prunable,
    scales,
    judge,
    apply: (x) => tf.tidy(() => tf.concat(judge(x as tf.Tensor4D).maps.map((m) => tf.reshape(m, [x.shape[0], -1])), 1)),
  };
}
