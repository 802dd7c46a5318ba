import { csrFromDense, sparseMatMul, tf, type CsrMatrix } from '@proj/core';

/** Activations a `SparseLinear` can fuse. */
export type SparseActivation = 'linear' | 'relu';

/**
 * A dense (fully connected) layer for inference with its pruned kernel in CSR:
 * y = act(x W + b). Time and memory scale with the kept weights, not with
 * in x out, where the masked dense product costs the same at every density.
 * Build it from a trained layer's kernel `[in, out]` and bias. The product is
 * `@proj/core`'s `sparseMatMul` (native and threaded when available).
 */
export class SparseLinear {
  /** The kernel's transpose [out, in] in CSR: row o lists the inputs feeding output o. */
  readonly kernelT: CsrMatrix;
  readonly bias: Float32Array | undefined;
  readonly activation: SparseActivation;

  constructor(kernel: tf.Tensor, bias?: tf.Tensor, activation: SparseActivation = 'linear') {
    if (kernel.rank !== 2) throw new Error(`SparseLinear: kernel must be [in, out], got shape [${kernel.shape}]`);
    const [rows, cols] = kernel.shape as [number, number];
    if (bias && (bias.rank !== 1 || bias.shape[0] !== cols)) throw new Error(`SparseLinear: bias must be [${cols}], got [${bias.shape}]`);
    if (activation !== 'linear' && activation !== 'relu') throw new Error(`SparseLinear: activation must be 'linear' or 'relu', got ${JSON.stringify(activation)}`);
    this.kernelT = csrFromDense(kernel.dataSync() as Float32Array, rows, cols, true);
    this.bias = bias ? (bias.dataSync() as Float32Array).slice() : undefined;
    this.activation = activation;
  }

  /** Kept weights over all weights. */
  get density(): number {
    return this.kernelT.values.length / (this.kernelT.rows * this.kernelT.cols);
  }

  /** y = act(x W + b) on plain arrays: x [batch, in] row-major. */
  applyArray(x: Float32Array, batch: number): Float32Array {
    const y = sparseMatMul(x, batch, this.kernelT);
    const { bias } = this;
    const cols = this.kernelT.rows;
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
    const inDim = this.kernelT.cols;
    if (x.rank !== 2 || x.shape[1] !== inDim) throw new Error(`SparseLinear: x must be [batch, ${inDim}], got [${x.shape}]`);
    const batch = x.shape[0];
    return tf.tensor2d(this.applyArray(x.dataSync() as Float32Array, batch), [batch, this.kernelT.rows]);
  }
}
