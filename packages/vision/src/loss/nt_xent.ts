/**
 * NT-Xent, SimCLR's normalized temperature-scaled cross-entropy (Chen et al.
 * 2020, eq. 1): for 2N projections of N image pairs, each one's positive is
 * its pair and the other 2N - 2 are negatives,
 *   l(i, j) = -log exp(sim(z_i, z_j) / t) / sum_{k != i} exp(sim(z_i, z_k) / t),
 * averaged over all 2N ordered positive pairs; sim is cosine similarity.
 */
import { tf } from '@proj/core';
import { checkPair, l2Normalize } from './normalize.js';

/** Temperature 0.5: SimCLR's CIFAR-10 setting and lightly's NTXentLoss default. */
export const NT_XENT_TEMPERATURE = 0.5;

export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature = NT_XENT_TEMPERATURE): tf.Scalar {
  checkPair(z1, z2, 'ntXentLoss');
  if (!(temperature > 0)) throw new Error(`ntXentLoss: temperature must be > 0, got ${temperature}`);
  const n = z1.shape[0];
  if (n < 2) throw new Error(`ntXentLoss: batch must hold at least 2 pairs (negatives come from the batch), got ${n}`);
  return tf.tidy(() => {
    const z = l2Normalize(tf.concat([z1, z2], 0));
    // Self-similarity is excluded by a large negative logit on the diagonal.
    const logits = tf.sub(tf.div(tf.matMul(z, z, false, true), temperature), tf.mul(tf.eye(2 * n), 1e9));
    const positive = Array.from({ length: 2 * n }, (_, i) => (i + n) % (2 * n));
    const target = tf.oneHot(tf.tensor1d(positive, 'int32'), 2 * n);
    return tf.neg(tf.mean(tf.sum(tf.mul(target, tf.logSoftmax(logits)), 1))) as tf.Scalar;
  });
}
