/**
 * Exp on float32 tensors (softmax and log-softmax call it on whole logit
 * tensors, forward and backward). Stock runs every unary op through one
 * shared loop that calls the op as a function per element; this loop calls
 * Math.exp directly. Results equal stock's; other dtypes go to stock.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';

export function expKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const values = float32Values(backend, x);
    if (!values) return stock(args);
    const y = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) y[i] = Math.exp(values[i]);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
}
