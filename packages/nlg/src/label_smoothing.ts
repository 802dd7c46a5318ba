import { tf } from '@proj/core';

/**
 * Label-smoothed cross-entropy (Szegedy et al. 2016) as fairseq's
 * `label_smoothed_cross_entropy`: loss = (1 - eps) * nll + eps * mean_v(-log p_v),
 * averaged over the non-pad target tokens. mBART fine-tunes with eps = 0.2;
 * CSR4mBART keeps that value.
 */
export function labelSmoothedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, padId: number, epsilon: number): tf.Scalar {
  if (!(epsilon >= 0 && epsilon < 1)) throw new Error(`labelSmoothedCrossEntropy: epsilon must be in [0, 1), got ${epsilon}`);
  const [B, T, V] = logits.shape;
  if (targets.shape[0] !== B || targets.shape[1] !== T) {
    throw new Error(`labelSmoothedCrossEntropy: targets must have shape [${B}, ${T}], got [${targets.shape}]`);
  }
  return tf.tidy(() => {
    const logp = tf.logSoftmax(tf.reshape(logits, [B * T, V]));
    const flat = tf.reshape(targets, [B * T]);
    const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(flat, V)), 1));
    const smooth = tf.neg(tf.mean(logp, 1));
    const mask = tf.cast(tf.notEqual(flat, padId), 'float32');
    const perToken = tf.add(tf.mul(nll, 1 - epsilon), tf.mul(smooth, epsilon));
    return tf.div(tf.sum(tf.mul(perToken, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}
