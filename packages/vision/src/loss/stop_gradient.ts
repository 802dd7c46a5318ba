import { tf } from '@proj/core';

/**
 * Identity whose gradient is zero (tfjs has no stop_gradient op): what SwAV's
 * codes and BYOL's targets are treated as when the loss is differentiated.
 */
const identityWithoutGradient = tf.customGrad((...args: Array<tf.Tensor | ((tensors: tf.Tensor[]) => void)>) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

export function stopGradient<T extends tf.Tensor>(x: T): T {
  return identityWithoutGradient(x) as T;
}
