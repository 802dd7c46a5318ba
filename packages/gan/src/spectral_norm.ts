import { Rng, tf } from '@proj/core';

/**
 * Spectral normalization (Miyato et al. 2018, arXiv:1802.05957): a kernel is
 * used as W / sigma(W), sigma the largest singular value of W viewed as the
 * matrix M [fanIn, out] (all dims but the last flattened). sigma is estimated
 * by power iteration with a persistent vector u that gets one iteration per
 * training forward pass (the paper's Algorithm 1 and PyTorch's default):
 * v = M u / |M u|, u = M^T v / |M^T v|, sigma = v^T M u. u and v are
 * constants to the gradient, as in the paper; sigma is differentiable in W.
 * u and v live in plain arrays, so they add no tensors.
 */
export class SpectralNorm {
  readonly kernel: tf.Variable;
  private readonly fanIn: number;
  private readonly out: number;
  private u: Float32Array;
  private v: Float32Array;

  constructor(kernel: tf.Variable, rng: Rng) {
    if (kernel.rank < 2) throw new Error(`SpectralNorm: kernel '${kernel.name}' must have rank >= 2, got shape [${kernel.shape}]`);
    this.kernel = kernel;
    this.out = kernel.shape[kernel.rank - 1];
    this.fanIn = kernel.size / this.out;
    this.u = normalize(rng.normalArray(this.out));
    this.v = new Float32Array(this.fanIn);
    this.powerIteration();
  }

  /** One power iteration on the kernel's current value (updates u and v). */
  powerIteration(): void {
    const m = this.kernel.dataSync() as Float32Array;
    const { fanIn, out, u } = this;
    const v = new Float32Array(fanIn);
    for (let i = 0; i < fanIn; i++) {
      let s = 0;
      for (let j = 0; j < out; j++) s += m[i * out + j] * u[j];
      v[i] = s;
    }
    this.v = normalize(v);
    const next = new Float32Array(out);
    for (let i = 0; i < fanIn; i++) {
      const vi = this.v[i];
      for (let j = 0; j < out; j++) next[j] += m[i * out + j] * vi;
    }
    this.u = normalize(next);
  }

  /** sigma = v^T M u as a scalar tensor, differentiable in the kernel. */
  sigma(): tf.Scalar {
    return tf.tidy(() => {
      const mu = tf.matMul(tf.reshape(this.kernel, [this.fanIn, this.out]), tf.tensor2d(this.u, [this.out, 1]));
      return tf.sum(tf.mul(tf.reshape(mu, [this.fanIn]), tf.tensor1d(this.v))) as tf.Scalar;
    });
  }

  /** W / sigma(W); in training, first one power iteration. */
  normalized(training: boolean): tf.Tensor {
    if (training) this.powerIteration();
    return tf.tidy(() => tf.div(this.kernel, this.sigma()));
  }
}

function normalize(x: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) n += x[i] * x[i];
  // The epsilon of the reference implementation keeps an all-zero (fully pruned) kernel finite.
  const s = 1 / (Math.sqrt(n) + 1e-12);
  for (let i = 0; i < x.length; i++) x[i] *= s;
  return x;
}
