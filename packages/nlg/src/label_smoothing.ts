import { tf } from '@proj/core';

/**
 * Label-smoothed cross-entropy (Szegedy et al. 2016) as fairseq's
 * `label_smoothed_cross_entropy`: loss = (1 - eps) * nll + eps * mean_v(-log p_v),
 * averaged over the non-pad target tokens. mBART fine-tunes with eps = 0.2;
 * CSR4mBART keeps that value.
 *
 * Computed as one fused op, row by row, with its closed-form gradient
 * (softmax - q) / tokens, q = (1 - eps) one-hot(target) + eps / V, as
 * fairseq's fused cross-entropy does: the composed form (log-softmax,
 * one-hot product, two means and their gradients) makes a dozen passes over
 * the [tokens, vocabulary] logits, the largest tensor of the model.
 */
export function labelSmoothedCrossEntropy(logits: tf.Tensor3D, targets: tf.Tensor2D, padId: number, epsilon: number): tf.Scalar {
  if (!(epsilon >= 0 && epsilon < 1)) throw new Error(`labelSmoothedCrossEntropy: epsilon must be in [0, 1), got ${epsilon}`);
  const [B, T, V] = logits.shape;
  if (targets.shape[0] !== B || targets.shape[1] !== T) {
    throw new Error(`labelSmoothedCrossEntropy: targets must have shape [${B}, ${T}], got [${targets.shape}]`);
  }
  const target = targets.dataSync();
  const loss = tf.customGrad((...inputs) => {
    const x = inputs[0] as tf.Tensor;
    const z = x.dataSync() as Float32Array;
    // Filled with softmax - q on non-pad rows, zero on pad rows; scaled by 1 / tokens at the end.
    const grad = new Float32Array(z.length);
    let total = 0;
    let tokens = 0;
    for (let r = 0; r < B * T; r++) {
      const t = target[r];
      if (t === padId) continue;
      if (!(t >= 0 && t < V)) throw new Error(`labelSmoothedCrossEntropy: target ${t} is outside the vocabulary [0, ${V})`);
      tokens++;
      const base = r * V;
      let max = -Infinity;
      let mean = 0;
      for (let j = 0; j < V; j++) {
        const v = z[base + j];
        if (v > max) max = v;
        mean += v;
      }
      mean /= V;
      let sum = 0;
      for (let j = 0; j < V; j++) {
        const e = Math.exp(z[base + j] - max);
        grad[base + j] = e;
        sum += e;
      }
      const logSumExp = max + Math.log(sum);
      // nll = lse - z_t; mean_v(-log p_v) = lse - mean_v z_v.
      total += (1 - epsilon) * (logSumExp - z[base + t]) + epsilon * (logSumExp - mean);
      for (let j = 0; j < V; j++) grad[base + j] = grad[base + j] / sum - epsilon / V;
      grad[base + t] -= 1 - epsilon;
    }
    const scale = 1 / Math.max(tokens, 1);
    for (let i = 0; i < grad.length; i++) grad[i] *= scale;
    return {
      value: tf.scalar(total * scale),
      gradFunc: (dy: tf.Tensor) => tf.mul(dy, tf.tensor(grad, x.shape)),
    };
  });
  return loss(logits) as tf.Scalar;
}
