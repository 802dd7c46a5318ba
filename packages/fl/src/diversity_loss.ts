import { tf } from '@proj/core';

/** Mean squared distance between every pair of rows, [n, n], from one matmul. */
function meanSquaredDistances(v: tf.Tensor2D): tf.Tensor2D {
  const sq = tf.sum(tf.square(v), 1, true);
  const d = tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, tf.matMul(v, v, false, true)));
  // Rounding can make a zero distance slightly negative.
  return tf.div(tf.relu(d), v.shape[1]) as tf.Tensor2D;
}

/**
 * FedFTG's diversity loss (official code: DiversityLoss):
 *   L_div = exp(-mean_{i,j} d(z_i, z_j) * d(x_i, x_j))
 * where d is the mean squared distance per coordinate. Small when different
 * noises give different images, which keeps the generator from collapsing
 * onto one hard sample. The official code measures the outputs with the mean
 * absolute distance; we use the mean squared one for both, computed with a
 * matmul, because the [n, n, d] absolute-difference tensor and its gradient
 * cost more on a CPU than the rest of a generator step.
 */
export function diversityLoss(noise: tf.Tensor2D, output: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const n = noise.shape[0];
    if (output.shape[0] !== n) throw new Error(`diversityLoss: noise has ${n} rows, output has ${output.shape[0]}`);
    const outDist = meanSquaredDistances(tf.reshape(output, [n, -1]) as tf.Tensor2D);
    return tf.exp(tf.neg(tf.mean(tf.mul(meanSquaredDistances(noise), outDist)))) as tf.Scalar;
  });
}
