import { tf } from '@proj/core';
import type { Keypoints } from './keypoint_detector.js';

/** The [h, w, 2] grid of pixel-centre coordinates (x, y) in [-1, 1] (FOMM's make_coordinate_grid, gridSample's convention). */
export function coordinateGrid(h: number, w: number): tf.Tensor3D {
  const v = new Float32Array(h * w * 2);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      v[(i * w + j) * 2] = w > 1 ? (2 * j) / (w - 1) - 1 : 0;
      v[(i * w + j) * 2 + 1] = h > 1 ? (2 * i) / (h - 1) - 1 : 0;
    }
  }
  return tf.tensor3d(v, [h, w, 2]);
}

/**
 * Gaussian heatmaps of keypoints [n, k, 2] on an h x w grid: exp(-|z - kp|^2 / (2 variance)),
 * [n, h, w, k]; FOMM's kp2gaussian with variance 0.01.
 */
export function keypointGaussians(kp: tf.Tensor3D, h: number, w: number, variance = 0.01): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, k] = kp.shape;
    // |z - kp|^2 = |z|^2 - 2 z.kp + |kp|^2: one matrix product instead of a broadcast [n, h, w, k, 2] difference.
    const grid = tf.reshape(coordinateGrid(h, w), [h * w, 2]);
    const zz = tf.reshape(tf.sum(tf.square(grid), 1), [1, h * w, 1]);
    const zk = tf.reshape(tf.matMul(tf.reshape(kp, [n * k, 2]), grid, false, true), [n, k, h * w]);
    const kk = tf.reshape(tf.sum(tf.square(kp), 2), [n, k, 1]);
    const d2 = tf.add(tf.sub(kk, tf.mul(zk, 2)), tf.reshape(zz, [1, 1, h * w])); // [n, k, hw]
    const g = tf.exp(tf.div(d2, -2 * variance));
    return tf.reshape(tf.transpose(g, [0, 2, 1]), [n, h, w, k]) as tf.Tensor4D;
  });
}

/** Joins x and y maps [...] into coordinates [..., 2] by broadcasting products, whose gradients are plain sums (tfjs's stack backpropagates through slow slicing). */
export function joinXY(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(tf.expandDims(x, -1), tf.tensor1d([1, 0])), tf.mul(tf.expandDims(y, -1), tf.tensor1d([0, 1]))));
}

/** Inverses of 2x2 matrices [..., 2, 2] by the adjugate formula. */
export function inverse2x2(m: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = m.shape;
    const flat = tf.reshape(m, [-1, 4]);
    const [a, b, c, d] = tf.unstack(flat, 1) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const det = tf.sub(tf.mul(a, d), tf.mul(b, c));
    return tf.reshape(tf.div(tf.stack([d, tf.neg(b), tf.neg(c), a], 1), tf.expandDims(det, 1)), shape);
  });
}

/** The value of `x` with a zero gradient (PyTorch's detach; tfjs has no stop-gradient op). */
export const stopGradient = tf.customGrad(((...args: unknown[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as Parameters<typeof tf.customGrad<tf.Tensor>>[0]) as (x: tf.Tensor) => tf.Tensor;

/** Keypoints without gradient (FOMM's detach_kp). */
export function detachKeypoints(kp: Keypoints): Keypoints {
  return { value: stopGradient(kp.value) as tf.Tensor3D, jacobian: stopGradient(kp.jacobian) as tf.Tensor4D };
}
