import { tf } from '@proj/core';

/**
 * FedFTG's diversity loss (official code: DiversityLoss, metric l1):
 *   L_div = exp(-mean_{i,j} ||z_i - z_j||_2^2/d_z * |x_i - x_j|_1/d_x)
 * with mean squared distance between noises and mean absolute distance
 * between outputs. Small when different noises give different images, which
 * keeps the generator from collapsing onto one hard sample.
 */
export function diversityLoss(noise: tf.Tensor2D, output: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const n = noise.shape[0];
    if (output.shape[0] !== n) throw new Error(`diversityLoss: noise has ${n} rows, output has ${output.shape[0]}`);
    const flat = tf.reshape(output, [n, -1]);
    // Row by row: x - x_i broadcasts one row over a block, which core's kernels serve fast;
    // the [n, n, d] two-sided broadcast goes to a slow generic path.
    const pairwise = (v: tf.Tensor2D, dist: (d: tf.Tensor) => tf.Tensor) =>
      tf.stack(Array.from({ length: n }, (_, i) => tf.mean(dist(tf.sub(v, tf.slice(v, [i, 0], [1, -1]))), 1)));
    const outDist = pairwise(flat as tf.Tensor2D, tf.abs);
    const noiseDist = pairwise(noise, tf.square);
    return tf.exp(tf.neg(tf.mean(tf.mul(noiseDist, outDist)))) as tf.Scalar;
  });
}
