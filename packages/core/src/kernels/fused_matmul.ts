/**
 * _FusedMatMul (matmul + bias + activation, as tf.fused.matMul and
 * tfjs-layers' Dense emit it): our batched GEMM, then bias and activation in
 * place on the fresh result. PReLU, non-channel biases and non-float32 go to
 * the stock kernel.
 */
import type { _FusedMatMulAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { applyEpilogue, isChannelBias, isElementwiseActivation } from './epilogue.js';
import { batchMatMul, matMulPlan } from './matmul.js';

/** A _FusedMatMul kernel function for the cases above; other calls go to `stock`. */
export function fusedMatMulKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { a, b, bias } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo };
    const attrs = args.attrs as unknown as _FusedMatMulAttrs;
    const activation = attrs.activation;
    if (!isElementwiseActivation(activation)) return stock(args);
    const aValues = float32Values(backend, a);
    const bValues = float32Values(backend, b);
    const plan = aValues && bValues ? matMulPlan(a, b, attrs.transposeA, attrs.transposeB) : null;
    if (!aValues || !bValues || !plan) return stock(args);
    let biasValues: Float32Array | null = null;
    if (bias) {
      biasValues = float32Values(backend, bias);
      if (!biasValues || !isChannelBias(bias.shape, plan.outShape.length, plan.n)) return stock(args);
    }
    const out = batchMatMul(aValues, bValues, plan, backend);
    applyEpilogue(out, plan.n, biasValues, activation, attrs.leakyreluAlpha);
    return backend.makeTensorInfo(plan.outShape, 'float32', out);
  };
}
