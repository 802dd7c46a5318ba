import { tf } from '@proj/core';

/**
 * Softmax over `axes`, as exp(x - max) / sum: built from element-wise ops and
 * reductions, so it runs over any axes (heatmaps over positions) with no
 * transposes, which are slow on tfjs's CPU backend. The max shift only guards
 * exp against overflow; its gradient cancels.
 */
export function softmaxOver(x: tf.Tensor, axes: number | number[]): tf.Tensor {
  return tf.tidy(() => {
    const e = tf.exp(tf.sub(x, tf.max(x, axes, true)));
    return tf.div(e, tf.sum(e, axes, true));
  });
}
