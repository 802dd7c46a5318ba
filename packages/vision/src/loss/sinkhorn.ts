/**
 * Sinkhorn-Knopp as SwAV uses it (Caron et al. 2020, Algorithm 1 and the
 * official `distributed_sinkhorn`): soft assignments Q of B samples to K
 * prototypes with equal use of every prototype,
 *   Q = Diag(u) exp(S / epsilon) Diag(v),
 * each sample's row summing to 1 and each prototype's column to B / K.
 */
import { tf } from '@proj/core';
import { stopGradient } from './stop_gradient.js';

export interface SinkhornConfig {
  /** Entropy regularization; SwAV 0.05. */
  epsilon: number;
  /** Normalization rounds; SwAV 3. */
  iterations: number;
}

export const SINKHORN_DEFAULTS: SinkhornConfig = { epsilon: 0.05, iterations: 3 };

/**
 * Codes [B, K] from scores [B, K] (sample-prototype cosine similarities).
 * Each iteration normalizes prototypes, then samples, so rows sum to 1
 * exactly and columns to B / K approximately (exactly in the limit).
 */
export function sinkhorn(scores: tf.Tensor2D, config: Partial<SinkhornConfig> = {}): tf.Tensor2D {
  const { epsilon, iterations } = { ...SINKHORN_DEFAULTS, ...config };
  if (scores.rank !== 2) throw new Error(`sinkhorn: scores must be [batch, prototypes], got [${scores.shape.join(', ')}]`);
  if (!(epsilon > 0)) throw new Error(`sinkhorn: epsilon must be > 0, got ${epsilon}`);
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new Error(`sinkhorn: iterations must be an integer >= 1, got ${iterations}`);
  const [b, k] = scores.shape;
  return tf.tidy(() => {
    const s = tf.div(stopGradient(scores), epsilon);
    // Subtracting the max changes nothing after normalization and keeps exp finite.
    let q = tf.exp(tf.sub(s, tf.max(s)));
    q = tf.div(q, tf.sum(q));
    for (let i = 0; i < iterations; i++) {
      q = tf.div(tf.div(q, tf.sum(q, 0, true)), k);
      q = tf.div(tf.div(q, tf.sum(q, 1, true)), b);
    }
    return tf.mul(q, b) as tf.Tensor2D;
  });
}
