/**
 * Add, Sub, Multiply and RealDiv (float32) for any broadcast, such as
 * attention's key-padding bias [B,1,1,S] added to logits [B,h,T,S] or a
 * causal mask [T,T] plus a padding mask [B,1,1,T]. The arithmetic kernel
 * serves same-shape and one-block broadcasts; the stock kernel computes the
 * others with two coordinate conversions per element. Here the broadcast is
 * simplified to as few axes as possible (size-1 output axes dropped, neighbours
 * with the same repeat pattern merged) and the arithmetic kernel's row loops
 * run over the two innermost axes with strides (0 where an operand repeats).
 * Values are computed as stock does them, so results are bit-identical.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { LOOPS, type ArithmeticKernelName } from './arithmetic.js';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';

/** An output of `dims` whose element at coordinates c reads a[sum c_i aStrides_i] and b[sum c_i bStrides_i]. */
export interface BroadcastWalk {
  outShape: number[];
  dims: number[];
  aStrides: number[];
  bStrides: number[];
}

/** Strides of `shape` read as a broadcast over `outShape` (0 along the axes it repeats over). */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const dims = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  const strides = new Array<number>(dims.length);
  for (let i = dims.length - 1, s = 1; i >= 0; i--) {
    strides[i] = dims[i] === 1 ? 0 : s;
    s *= dims[i];
  }
  return strides;
}

/** The simplified walk of `a op b`; throws stock's error for incompatible shapes. */
export function broadcastWalk(aShape: number[], bShape: number[]): BroadcastWalk {
  const outShape = backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const aFull = broadcastStrides(aShape, outShape);
  const bFull = broadcastStrides(bShape, outShape);
  const dims: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const n = outShape[i];
    if (n === 1) continue;
    const k = dims.length - 1;
    // The previous axis walks on where this one ends, for both operands: one axis of dims[k] * n.
    if (k >= 0 && aStrides[k] === aFull[i] * n && bStrides[k] === bFull[i] * n) {
      dims[k] *= n;
      aStrides[k] = aFull[i];
      bStrides[k] = bFull[i];
    } else {
      dims.push(n);
      aStrides.push(aFull[i]);
      bStrides.push(bFull[i]);
    }
  }
  return { outShape, dims, aStrides, bStrides };
}

/** out = a op b along `walk`: the two innermost axes in one row loop, an odometer over the rest. */
function runWalk(op: ArithmeticKernelName, a: Float32Array, b: Float32Array, walk: BroadcastWalk, out: Float32Array): void {
  const loop = LOOPS[op];
  const { dims, aStrides, bStrides } = walk;
  const rank = dims.length;
  if (rank === 0) {
    loop(a, 0, 0, b, 0, 0, out, 1, 1);
    return;
  }
  const lanes = dims[rank - 1];
  const rows = rank >= 2 ? dims[rank - 2] : 1;
  const [ar, br] = rank >= 2 ? [aStrides[rank - 2], bStrides[rank - 2]] : [0, 0];
  const al = aStrides[rank - 1];
  const bl = bStrides[rank - 1];
  const outer = rank - 2;
  const block = rows * lanes;
  const count = new Int32Array(Math.max(outer, 0));
  let ai = 0;
  let bi = 0;
  for (let w = 0; w < out.length; w += block) {
    loop(a.subarray(ai), ar, al, b.subarray(bi), br, bl, out.subarray(w, w + block), rows, lanes);
    for (let d = outer - 1; d >= 0; d--) {
      ai += aStrides[d];
      bi += bStrides[d];
      if (++count[d] < dims[d]) break;
      ai -= aStrides[d] * dims[d];
      bi -= bStrides[d] * dims[d];
      count[d] = 0;
    }
  }
}

/** A kernel function for binary op `kernelName` that computes every float32 broadcast itself and hands other dtypes to `stock`. */
export function broadcastKernel(kernelName: ArithmeticKernelName): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const aValues = float32Values(backend, a);
    const bValues = float32Values(backend, b);
    if (!aValues || !bValues) return stock(args);
    const walk = broadcastWalk(a.shape, b.shape);
    const out = new Float32Array(util.sizeFromShape(walk.outShape));
    if (out.length > 0) runWalk(kernelName, aValues, bValues, walk, out);
    return backend.makeTensorInfo(walk.outShape, 'float32', out);
  };
}
