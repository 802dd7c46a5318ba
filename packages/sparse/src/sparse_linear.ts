import { tf } from '@proj/core';
import { csrFromDense, csrMatMul, type CsrMatrix } from './csr.js';

/** Activations a `SparseLinear` can fuse. */
export type SparseActivation = 'linear' | 'relu';

/**
 * A dense (fully connected) layer for inference with its pruned kernel in CSR:
 * y = act(x W + b). Time and memory scale with the kept weights, not with
 * in x out. Build it from a trained layer's kernel `[in, out]` and bias.
 */
export class SparseLinear {
  readonly kernel: CsrMatrix;
  readonly bias: Float32Array | undefined;
  readonly activation: SparseActivation;

  constructor(kernel: tf.Tensor, bias?: tf.Tensor, activation: SparseActivation = 'linear') {
    if (kernel.rank !== 2) throw new Error(`SparseLinear: kernel must be [in, out], got shape [${kernel.shape}]`);
    const [rows, cols] = kernel.shape as [number, number];
    if (bias && (bias.rank !== 1 || bias.shape[0] !== cols)) throw new Error(`SparseLinear: bias must be [${cols}], got [${bias.shape}]`);
    if (activation !== 'linear' && activation !== 'relu') throw new Error(`SparseLinear: activation must be 'linear' or 'relu', got ${JSON.stringify(activation)}`);
    this.kernel = csrFromDense(kernel.dataSync() as Float32Array, rows, cols);
    this.bias = bias ? (bias.dataSync() as Float32Array).slice() : undefined;
    this.activation = activation;
  }

  /** Kept weights over all weights. */
  get density(): number {
    return this.kernel.values.length / (this.kernel.rows * this.kernel.cols);
  }

  /** y = act(x W + b) on plain arrays: x [batch, in] row-major. */
  applyArray(x: Float32Array, batch: number): Float32Array {
    const y = csrMatMul(x, batch, this.kernel);
    const { bias } = this;
    const cols = this.kernel.cols;
    const relu = this.activation === 'relu';
    for (let b = 0, i = 0; b < batch; b++) {
      for (let c = 0; c < cols; c++, i++) {
        const v = bias ? y[i] + bias[c] : y[i];
        y[i] = relu && v < 0 ? 0 : v;
      }
    }
    return y;
  }

  /** y = act(x W + b) for x [batch, in]; a new tensor the caller disposes. */
  apply(x: tf.Tensor): tf.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.kernel.rows) throw new Error(`SparseLinear: x must be [batch, ${this.kernel.rows}], got [${x.shape}]`);
    const batch = x.shape[0];
    return tf.tensor2d(this.applyArray(x.dataSync() as Float32Array, batch), [batch, this.kernel.cols]);
  }
}
