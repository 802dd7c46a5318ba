/**
 * Barlow Twins (Zbontar et al. 2021, eq. 1-2): the cross-correlation C of the
 * two views' embeddings, each standardized along the batch, is pushed to the
 * identity,
 *   L = sum_i (1 - C_ii)^2 + lambda sum_i sum_{j != i} C_ij^2,
 *   C_ij = sum_b z1_bi z2_bj / B.
 */
import { tf } from '@proj/core';
import { checkPair } from './normalize.js';

/** lambda = 5e-3, the paper's value (tuned for 8192-d projections). */
export const BARLOW_TWINS_LAMBDA = 5e-3;

/** Standardize each column over the batch (biased variance, as BatchNorm1d(affine=False) in the official code). */
function standardize(z: tf.Tensor2D): tf.Tensor2D {
  const { mean, variance } = tf.moments(z, 0);
  return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

export function barlowTwinsLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, lambda = BARLOW_TWINS_LAMBDA): tf.Scalar {
  checkPair(z1, z2, 'barlowTwinsLoss');
  if (!(lambda >= 0)) throw new Error(`barlowTwinsLoss: lambda must be >= 0, got ${lambda}`);
  if (z1.shape[0] < 2) throw new Error(`barlowTwinsLoss: batch must be >= 2 (statistics are over the batch), got ${z1.shape[0]}`);
  return tf.tidy(() => {
    const b = z1.shape[0];
    const c = tf.div(tf.matMul(standardize(z1), standardize(z2), true, false), b);
    const eye = tf.eye(c.shape[0]);
    const onDiag = tf.sum(tf.square(tf.sub(tf.mul(c, eye), eye)));
    const offDiag = tf.sum(tf.square(tf.mul(c, tf.sub(1, eye))));
    return tf.add(onDiag, tf.mul(lambda, offDiag)) as tf.Scalar;
  });
}
