/**
 * BatchMatMul (float32) as one sgemm per batch entry, transposes handled by
 * the GEMM's packing instead of materialized. Batch dimensions are served
 * when one side has a single batch entry or both have the same count, the
 * cases the stock kernel computes; anything else goes to the stock kernel.
 */
import { broadcast_util, util } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { sgemm } from './gemm.js';
import { activeNative } from './native.js';
import { overwrittenOutput, type RecyclingBackend } from './output.js';

/** Sizes of a batched product op(A)[batch, m, k] · op(B)[batch, k, n]. */
export interface MatMulPlan {
  batch: number;
  m: number;
  n: number;
  k: number;
  transposeA: boolean;
  transposeB: boolean;
  /** Floats between consecutive batch entries of A (0 when A is shared). */
  aBatchStride: number;
  bBatchStride: number;
  outShape: number[];
}

/** The plan for multiplying `a` by `b`, or null when the stock kernel should handle (or reject) it. */
export function matMulPlan(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kB) return null;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  let outer: number[];
  try {
    outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    return null;
  }
  if (util.sizeFromShape(outer) !== batch) return null;
  return {
    batch,
    m,
    n,
    k,
    transposeA,
    transposeB,
    aBatchStride: batchA === 1 ? 0 : m * k,
    bBatchStride: batchB === 1 ? 0 : k * n,
    outShape: [...outer, m, n],
  };
}

/** op(A) · op(B) for every batch entry, as a new row-major [batch, m, n] array. */
export function batchMatMul(a: Float32Array, b: Float32Array, plan: MatMulPlan, backend?: RecyclingBackend): Float32Array {
  const { batch, m, n, k, transposeA, transposeB } = plan;
  const native = activeNative();
  if (native) {
    const c = overwrittenOutput(backend, batch * m * n);
    native.batchedSgemm(batch, transposeA, transposeB, m, n, k, a, b, c, plan.aBatchStride === 0, plan.bBatchStride === 0);
    return c;
  }
  const out = new Float32Array(batch * m * n);
  for (let i = 0; i < batch; i++) {
    sgemm(
      m,
      n,
      k,
      { data: a, offset: i * plan.aBatchStride, stride: transposeA ? m : k, transposed: transposeA },
      { data: b, offset: i * plan.bBatchStride, stride: transposeB ? k : n, transposed: transposeB },
      { data: out, offset: i * m * n, stride: n, transposed: false },
    );
  }
  return out;
}

/** A BatchMatMul kernel function for float32 with compatible batches; other calls go to `stock`. */
export function batchMatMulKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const aValues = float32Values(backend, a);
    const bValues = float32Values(backend, b);
    const plan = aValues && bValues ? matMulPlan(a, b, transposeA, transposeB) : null;
    if (!aValues || !bValues || !plan) return stock(args);
    return backend.makeTensorInfo(plan.outShape, 'float32', batchMatMul(aValues, bValues, plan, backend));
  };
}
