/**
 * Softmax (float32) over the last axis in one pass per row. The stock kernel
 * chains five whole-tensor kernels (max, subtract, exp, sum, divide), each
 * through the generic element loops, for attention weights of a few dozen
 * values per row. The same steps run here row by row with the same float32
 * roundings in between, so results equal stock's bit for bit (a NaN in a row
 * makes the row NaN, as there). Other dtypes and axes go to stock.
 */
import type { KernelFunc, SoftmaxAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';

/** Row-wise softmax of `x` viewed as [rows, n]. */
export function softmaxRows(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let base = 0; base < x.length; base += n) {
    let max = x[base];
    for (let j = 0; j < n; j++) {
      const v = x[base + j];
      if (v > max || v !== v) max = v;
    }
    // out holds exp(x - max) rounded to float32, as stock's intermediate tensor does.
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.fround(Math.exp(Math.fround(x[base + j] - max)));
      out[base + j] = e;
      sum += e;
    }
    const total = Math.fround(sum);
    for (let j = 0; j < n; j++) out[base + j] /= total;
  }
  return out;
}

export function softmaxKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { logits } = args.inputs as { logits: TensorInfo };
    const { dim } = args.attrs as unknown as SoftmaxAttrs;
    const rank = logits.shape.length;
    const values = float32Values(backend, logits);
    const n = logits.shape[rank - 1];
    if (!values || rank === 0 || (dim !== -1 && dim !== rank - 1) || !(n > 0)) return stock(args);
    return backend.makeTensorInfo(logits.shape, 'float32', softmaxRows(values, n));
  };
}
