import { tf } from '@proj/core';

/** Rows scaled to unit L2 norm (the epsilon keeps a zero row finite). */
export function l2Normalize(x: tf.Tensor2D, epsilon = 1e-12): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), epsilon))));
}

/** Throws unless a and b are 2-d and of one shape. */
export function checkPair(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[0] !== b.shape[0] || a.shape[1] !== b.shape[1]) {
    throw new Error(`${what}: both views must be [batch, dim] of one shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
}
