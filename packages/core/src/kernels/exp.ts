/**
 * Exp on float32 tensors (softmax and log-softmax call it on whole logit
 * tensors, forward and backward). Stock runs every unary op through one
 * shared loop that calls the op as a function per element; this loop calls
 * Math.exp directly. Results equal stock's; other dtypes go to stock.
 */
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { float32UnaryKernel } from './cpu_data.js';

export function expKernel(stock: KernelFunc): KernelFunc {
  return float32UnaryKernel(stock, (x) => {
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = Math.exp(x[i]);
    return y;
  });
}
