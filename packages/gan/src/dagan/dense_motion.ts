import { gridSample, tf } from '@proj/core';
import type { ParameterFactory } from '../network.js';
import { convLayer, hourglass, type Upsampling } from './conv_blocks.js';
import type { Keypoints } from './keypoint_detector.js';
import { coordinateGrid, inverse2x2, joinXY, keypointGaussians } from './keypoints.js';
import { softmaxShift } from './softmax.js';

/** FOMM's dense motion: a backward flow (a `gridSample` grid) from driving to source, the occlusion map and the soft masks. */
export interface DenseMotion {
  /** [n, h, w, 2]: where each driving-frame pixel is found in the source. */
  deformation: tf.Tensor4D;
  /** [n, h, w, 1] in (0, 1): 0 where the source does not show what the driving frame needs. */
  occlusion: tf.Tensor4D;
  /** [n, h, w, K + 1]: soft assignment of each pixel to a keypoint's motion (last: background, identity motion). */
  mask: tf.Tensor4D;
}

export interface DenseMotionOptions {
  numKp: number;
  /** Image channels of the source. */
  channels: number;
  /** Hourglass width; default 8 (CPU-sized; FOMM: 64). */
  width?: number;
  levels?: number;
  /** Gaussian variance of the keypoint heatmaps; FOMM: 0.01. */
  variance?: number;
  /** Up blocks of the hourglass (FOMM: nearest upsampling + conv); default `'transposed'`. */
  upsampling?: Upsampling;
}

/**
 * FOMM's DenseMotionNetwork, which DaGAN uses unchanged. Per keypoint k the
 * first-order motion near it is T_k(z) = kp_s + J_s J_d^{-1} (z - kp_d); the
 * source warped by every T_k and the heatmap differences
 * G(kp_d) - G(kp_s) go through an hourglass that predicts K + 1 soft masks
 * (softmax over motions, the extra one the background's identity motion) and
 * an occlusion map (sigmoid). The dense flow is sum_k mask_k T_k(z).
 */
export function denseMotionNetwork(f: ParameterFactory, name: string, options: DenseMotionOptions) {
  const { numKp: K, channels } = options;
  const variance = options.variance ?? 0.01;
  const body = hourglass(f, `${name}/hg`, [K, K * channels, channels], options.width ?? 8, options.levels ?? 3, undefined, options.upsampling);
  const maskKp = convLayer(f, `${name}/mask_kp`, 3, body.outChannels, K, 1, false);
  const maskBg = convLayer(f, `${name}/mask_bg`, 3, body.outChannels, 1, 1, false);
  const occlusion = convLayer(f, `${name}/occlusion`, 3, body.outChannels, 1, 1, false);
  return (source: tf.Tensor4D, kpDriving: Keypoints, kpSource: Keypoints): DenseMotion =>
    tf.tidy(() => {
      const [n, h, w] = source.shape;
      const hw = h * w;
      const heat = tf.sub(keypointGaussians(kpDriving.value, h, w, variance), keypointGaussians(kpSource.value, h, w, variance));
      // Affine motions T_k, as separate x and y maps [n, K, hw] (slicing and transposing big maps is slow here).
      const grid = coordinateGrid(h, w);
      const gx = tf.reshape(tf.slice(grid, [0, 0, 0], [h, w, 1]), [1, 1, hw]);
      const gy = tf.reshape(tf.slice(grid, [0, 0, 1], [h, w, 1]), [1, 1, hw]);
      const kpComp = (kp: tf.Tensor3D, i: number) => tf.reshape(tf.slice(kp, [0, 0, i], [n, K, 1]), [n, K, 1]);
      const J = tf.reshape(tf.matMul(tf.reshape(kpSource.jacobian, [n * K, 2, 2]), tf.reshape(inverse2x2(kpDriving.jacobian), [n * K, 2, 2])), [n, K, 4]);
      const j = (i: number) => tf.reshape(tf.slice(J, [0, 0, i], [n, K, 1]), [n, K, 1]);
      const dx = tf.sub(gx, kpComp(kpDriving.value, 0));
      const dy = tf.sub(gy, kpComp(kpDriving.value, 1));
      const mx = tf.add(kpComp(kpSource.value, 0), tf.add(tf.mul(j(0), dx), tf.mul(j(1), dy)));
      const my = tf.add(kpComp(kpSource.value, 1), tf.add(tf.mul(j(2), dx), tf.mul(j(3), dy)));
      // The source warped by every keypoint's motion, [n, h, w, K c] (the background's identity motion: the source itself).
      const motions = tf.reshape(joinXY(mx, my), [n * K, h, w, 2]) as tf.Tensor4D;
      const repeated = tf.reshape(tf.mul(tf.expandDims(source, 1), tf.ones([1, K, 1, 1, 1])), [n * K, h, w, channels]) as tf.Tensor4D;
      const warped = tf.reshape(gridSample(repeated, motions), [n, K, h, w, channels]);
      const deformed = tf.reshape(tf.transpose(warped, [0, 2, 3, 1, 4]), [n, h, w, K * channels]) as tf.Tensor4D;
      const feat = body.apply([heat as tf.Tensor4D, deformed, source]);
      // Softmax over the K keypoint motions and the background motion.
      const lk = maskKp(feat);
      const lb = maskBg(feat);
      const top = tf.maximum(softmaxShift(lk, 3), softmaxShift(lb, 3));
      const ek = tf.exp(tf.sub(lk, top));
      const eb = tf.exp(tf.sub(lb, top));
      const z = tf.add(tf.sum(ek, 3, true), eb);
      const mk = tf.div(ek, z); // [n, h, w, K]
      const mb = tf.div(eb, z); // [n, h, w, 1]
      const perPixel = (m: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(m, [n, hw, K]), [0, 2, 1]), [n, K, hw]);
      const mkT = perPixel(mk);
      const mbFlat = tf.reshape(mb, [n, 1, hw]);
      const defX = tf.add(tf.sum(tf.mul(mkT, mx), 1), tf.mul(tf.reshape(mbFlat, [n, hw]), tf.reshape(gx, [1, hw])));
      const defY = tf.add(tf.sum(tf.mul(mkT, my), 1), tf.mul(tf.reshape(mbFlat, [n, hw]), tf.reshape(gy, [1, hw])));
      return {
        deformation: tf.reshape(joinXY(defX, defY), [n, h, w, 2]) as tf.Tensor4D,
        occlusion: tf.sigmoid(occlusion(feat)) as tf.Tensor4D,
        mask: tf.concat([mk, mb], 3) as tf.Tensor4D,
      };
    });
}
