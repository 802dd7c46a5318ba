/**
 * SwAV's swapped prediction loss (Caron et al. 2020, eq. 1-2): the code of
 * each view (Sinkhorn assignments of its scores, no gradient) is predicted
 * from the other view's scores by a softmax at temperature tau,
 *   L = -1/2 mean_b [ sum_k q1_bk log p2_bk + sum_k q2_bk log p1_bk ],
 * p_b = softmax(scores_b / tau).
 */
import { tf } from '@proj/core';
import { checkPair } from './normalize.js';
import { sinkhorn, type SinkhornConfig } from './sinkhorn.js';

/** Softmax temperature tau = 0.1 (SwAV's official code). */
export const SWAV_TEMPERATURE = 0.1;

export function swavLoss(
  scores1: tf.Tensor2D,
  scores2: tf.Tensor2D,
  temperature = SWAV_TEMPERATURE,
  sinkhornConfig: Partial<SinkhornConfig> = {},
): tf.Scalar {
  checkPair(scores1, scores2, 'swavLoss');
  if (!(temperature > 0)) throw new Error(`swavLoss: temperature must be > 0, got ${temperature}`);
  return tf.tidy(() => {
    const q1 = sinkhorn(scores1, sinkhornConfig);
    const q2 = sinkhorn(scores2, sinkhornConfig);
    const logP1 = tf.logSoftmax(tf.div(scores1, temperature));
    const logP2 = tf.logSoftmax(tf.div(scores2, temperature));
    const cross = tf.add(tf.sum(tf.mul(q1, logP2), 1), tf.sum(tf.mul(q2, logP1), 1));
    return tf.mul(-0.5, tf.mean(cross)) as tf.Scalar;
  });
}
