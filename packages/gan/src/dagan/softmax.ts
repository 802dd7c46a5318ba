import { tf } from '@proj/core';

/**
 * Softmax over `axes`, exp(x - max) / sum, with its closed-form gradient
 * dx = y (dy - sum(dy y)) over the same axes. It runs over any axes
 * (heatmaps over positions) with no transposes of the input, which are slow
 * on tfjs's CPU backend, and the max shift (an overflow guard whose gradient
 * cancels) is not differentiated: autograd through `max` costs a
 * broadcasting `Equal` per call, the slowest kernel of a DaGAN step.
 */
export function softmaxOver(x: tf.Tensor, axes: number | number[]): tf.Tensor {
  const f = tf.customGrad(((input: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
    const y = tf.tidy(() => {
      const e = tf.exp(tf.sub(input, tf.max(input, axes, true)));
      return tf.div(e, tf.sum(e, axes, true));
    });
    save([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => tf.mul(saved[0]!, tf.sub(dy, tf.sum(tf.mul(dy, saved[0]!), axes, true)))),
    };
  }) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]) as unknown as (t: tf.Tensor) => tf.Tensor;
  return f(x);
}

/**
 * max of `x` over `axes` (keepDims) as a constant for autograd: the shift of
 * a softmax, whose gradient cancels. Computed inside a custom gradient, so
 * the `max` is not recorded and its `Equal` mask never computed.
 */
export function softmaxShift(x: tf.Tensor, axes: number | number[]): tf.Tensor {
  const f = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.max(input, axes, true),
    gradFunc: () => tf.zerosLike(input),
  })) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]) as unknown as (t: tf.Tensor) => tf.Tensor;
  return f(x);
}
