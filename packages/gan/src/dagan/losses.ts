import { gridSample, Rng, tf } from '@proj/core';
import type { Keypoints } from './keypoint_detector.js';
import { coordinateGrid, inverse2x2 } from './keypoints.js';

/**
 * DaGAN's generator losses besides LSGAN (which comes from the GAN core's
 * `generatorLoss('lsgan')`): FOMM's pyramid perceptual loss and
 * discriminator feature matching, the equivariance of keypoints and
 * Jacobians under a random transformation, and the keypoint-separation term.
 */

/** The image and its 2x2 average-pooled halvings: `levels` scales 1, 1/2, 1/4, ... (FOMM's ImagePyramide: 1, 0.5, 0.25, 0.125). */
export function imagePyramid(x: tf.Tensor4D, levels: number): tf.Tensor4D[] {
  const out = [x];
  for (let i = 1; i < levels; i++) out.push(tf.avgPool(out[i - 1]!, 2, 2, 'valid'));
  return out;
}

/** sum over pairs of feature lists of weight * mean |a - b| (FOMM's perceptual and feature-matching form). */
export function featureL1(a: readonly tf.Tensor[], b: readonly tf.Tensor[], weight: number): tf.Scalar {
  if (a.length !== b.length) throw new Error(`featureL1: feature lists differ in length (${a.length} vs ${b.length})`);
  return tf.tidy(() => a.reduce<tf.Scalar>((s, x, i) => tf.add(s, tf.mul(tf.mean(tf.abs(tf.sub(x, b[i]!))), weight)), tf.scalar(0)));
}

/**
 * A random affine map per image, theta = [I | 0] + N(0, sigma^2) entries
 * (FOMM's Transform with sigma_affine 0.05; its thin-plate-spline part,
 * sigma_tps 0.005, is left out here).
 */
export class RandomAffine {
  /** [n, 2, 3] row-major. */
  readonly theta: Float32Array;
  readonly n: number;

  constructor(n: number, sigma: number, rng: Rng) {
    this.n = n;
    this.theta = Float32Array.from({ length: n * 6 }, (_, i) => (i % 6 === 0 || i % 6 === 4 ? 1 : 0) + sigma * rng.normal());
  }

  /** Maps points [n, m, 2] (x, y) by each image's affine map. */
  warpPoints(points: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const t = tf.tensor3d(this.theta, [this.n, 2, 3]);
      const lin = tf.slice(t, [0, 0, 0], [this.n, 2, 2]);
      const shift = tf.reshape(tf.slice(t, [0, 0, 2], [this.n, 2, 1]), [this.n, 1, 2]);
      return tf.add(tf.matMul(points, lin, false, true), shift) as tf.Tensor3D;
    });
  }

  /** The frame seen through the map: out(z) = frame(theta z), by bilinear sampling. */
  transformFrame(frame: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const [n, h, w] = frame.shape;
      const grid = tf.reshape(tf.tile(tf.reshape(coordinateGrid(h, w), [1, h * w, 2]), [n, 1, 1]), [n, h * w, 2]) as tf.Tensor3D;
      return gridSample(frame, tf.reshape(this.warpPoints(grid), [n, h, w, 2]) as tf.Tensor4D);
    });
  }

  /** The Jacobian of the map (its linear part) [n, 1, 2, 2]. */
  jacobian(): tf.Tensor4D {
    return tf.tidy(() => tf.reshape(tf.slice(tf.tensor3d(this.theta, [this.n, 2, 3]), [0, 0, 0], [this.n, 2, 2]), [this.n, 1, 2, 2]) as tf.Tensor4D);
  }
}

/**
 * FOMM's equivariance losses: keypoints of the transformed frame, mapped back,
 * must equal the frame's keypoints (value: mean |kp - T(kp_T)|), and
 * J^{-1} (dT J_T) must be the identity (jacobian: mean |I - J^{-1} dT J_T|).
 */
export function equivarianceLosses(kp: Keypoints, kpTransformed: Keypoints, transform: RandomAffine): { value: tf.Scalar; jacobian: tf.Scalar } {
  return tf.tidy(() => {
    const value = tf.mean(tf.abs(tf.sub(kp.value, transform.warpPoints(kpTransformed.value)))) as tf.Scalar;
    const [n, k] = kp.value.shape;
    const dT = tf.reshape(tf.tile(transform.jacobian(), [1, k, 1, 1]), [n * k, 2, 2]) as tf.Tensor3D;
    const jT = tf.matMul(dT, tf.reshape(kpTransformed.jacobian, [n * k, 2, 2]) as tf.Tensor3D);
    const prod = tf.matMul(tf.reshape(inverse2x2(kp.jacobian), [n * k, 2, 2]) as tf.Tensor3D, jT);
    const jacobian = tf.mean(tf.abs(tf.sub(tf.reshape(tf.eye(2), [1, 2, 2]), prod))) as tf.Scalar;
    return { value, jacobian };
  });
}

/**
 * Keypoint separation: mean over pairs i != j of relu(margin - |kp_i - kp_j|),
 * pushing keypoints at least `margin` apart. DaGAN's kp_distance term uses
 * sign(dist - 0.2) with the same margin 0.2, whose gradient is zero almost
 * everywhere; the hinge keeps the intent and has a gradient.
 */
export function keypointSeparationLoss(kp: tf.Tensor3D, margin = 0.2): tf.Scalar {
  return tf.tidy(() => {
    const [n, k] = kp.shape;
    if (k < 2) return tf.scalar(0);
    const d = tf.sub(tf.reshape(kp, [n, k, 1, 2]), tf.reshape(kp, [n, 1, k, 2]));
    const dist = tf.sqrt(tf.add(tf.sum(tf.square(d), 3), 1e-8));
    // The diagonal (dist ~ 0) is lifted above the margin so it adds nothing.
    const offDiag = tf.add(dist, tf.mul(tf.reshape(tf.eye(k), [1, k, k]), margin));
    return tf.div(tf.sum(tf.relu(tf.sub(margin, offDiag))), n * k * (k - 1)) as tf.Scalar;
  });
}
