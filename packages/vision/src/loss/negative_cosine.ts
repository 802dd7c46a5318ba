/**
 * BYOL's regression loss (Grill et al. 2020, eq. 2): the squared distance of
 * L2-normalized prediction and target, ||p/|p| - z/|z|||^2 = 2 - 2 cos(p, z),
 * averaged over the batch. The target is not differentiated (stop-gradient).
 */
import { tf } from '@proj/core';
import { stopGradient } from './stop_gradient.js';
import { checkPair, l2Normalize } from './normalize.js';

export function byolLoss(prediction: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  checkPair(prediction, target, 'byolLoss');
  return tf.tidy(() => {
    const cos = tf.sum(tf.mul(l2Normalize(prediction), l2Normalize(stopGradient(target) as tf.Tensor2D)), 1);
    return tf.mean(tf.sub(2, tf.mul(2, cos))) as tf.Scalar;
  });
}
