import { tf } from '@proj/core';

/**
 * LeakyReLU(x) = max(x, a x), written as a x + (1 - a) relu(x) for 0 <= a <= 1: same
 * values and gradient, but built from ops @proj/core computes natively. tfjs's
 * own leakyRelu backpropagates through `greater` and `where`, which on the cpu
 * backend cost more than D's convolutions.
 */
export function leakyRelu(x: tf.Tensor, alpha: number): tf.Tensor {
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`leakyRelu: alpha must be in [0, 1], got ${alpha}`);
  return tf.tidy(() => tf.add(tf.mul(x, alpha), tf.mul(tf.relu(x), 1 - alpha)));
}
