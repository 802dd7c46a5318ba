/**
 * Add, Sub, Multiply and RealDiv on float32 tensors of one shape, or where one
 * operand repeats over the other in a single block: a trailing-dims vector
 * ([N,H,W,C] op [C] or [1,1,1,C]), a scalar, or a leading-dims column
 * ([B,K] op [B,1]), in either order. Other broadcasts and dtypes go to stock.
 *
 * Stock runs every binary op through one shared loop that calls the op as a
 * function and takes two remainders per element; tight per-op loops avoid
 * both. Each value is computed in float64 from the float32 inputs and then
 * stored to float32, as stock does, so results are bit-identical. With the
 * native provider, large outputs run its vectorized, threaded loop instead
 * (float32 arithmetic, which rounds to the same values).
 */
import { Add, Multiply, RealDiv, Sub, backend_util, util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { activeNative, NATIVE_ELEMENTWISE_MIN } from './native.js';
import { overwrittenOutput } from './output.js';

/**
 * How an operand's flat index follows from (row, lane) of an output viewed
 * as [rows, lanes]: row * rowStride + lane * laneStride.
 */
interface Operand {
  rowStride: number;
  laneStride: number;
}

interface Layout {
  outShape: number[];
  rows: number;
  lanes: number;
  a: Operand;
  b: Operand;
}

/** out[r, l] = a[r * ar + l * al] op b[r * br + l * bl] for the output viewed as [rows, lanes]. */
export type RowLoop = (a: Float32Array, ar: number, al: number, b: Float32Array, br: number, bl: number, out: Float32Array, rows: number, lanes: number) => void;

export type ArithmeticKernelName = typeof Add | typeof Sub | typeof Multiply | typeof RealDiv;

/** The native provider's code for each op. */
const NATIVE_OP = { [Add]: 0, [Sub]: 1, [Multiply]: 2, [RealDiv]: 3 } as const;

// One loop per op, spelled out, so each stays monomorphic with its operator inlined.
export const LOOPS: Record<ArithmeticKernelName, RowLoop> = {
  [Add]: (a, ar, al, b, br, bl, out, rows, lanes) => {
    for (let r = 0, o = 0; r < rows; r++) {
      const ai = r * ar;
      const bi = r * br;
      for (let l = 0; l < lanes; l++, o++) out[o] = a[ai + l * al] + b[bi + l * bl];
    }
  },
  [Sub]: (a, ar, al, b, br, bl, out, rows, lanes) => {
    for (let r = 0, o = 0; r < rows; r++) {
      const ai = r * ar;
      const bi = r * br;
      for (let l = 0; l < lanes; l++, o++) out[o] = a[ai + l * al] - b[bi + l * bl];
    }
  },
  [Multiply]: (a, ar, al, b, br, bl, out, rows, lanes) => {
    for (let r = 0, o = 0; r < rows; r++) {
      const ai = r * ar;
      const bi = r * br;
      for (let l = 0; l < lanes; l++, o++) out[o] = a[ai + l * al] * b[bi + l * bl];
    }
  },
  [RealDiv]: (a, ar, al, b, br, bl, out, rows, lanes) => {
    for (let r = 0, o = 0; r < rows; r++) {
      const ai = r * ar;
      const bi = r * br;
      for (let l = 0; l < lanes; l++, o++) out[o] = a[ai + l * al] / b[bi + l * bl];
    }
  },
};

/**
 * How `small` (its rank at most that of `out`) repeats over `out`, viewed as
 * [rows, lanes] with the full operand walking it in order; null when it
 * repeats in more than one block of axes. A scalar is one row of every lane.
 */
function repeatedOperand(small: readonly number[], out: number[]): { rows: number; lanes: number; operand: Operand } | null {
  const dims = [...new Array<number>(out.length - small.length).fill(1), ...small];
  const size = (s: number[]): number => util.sizeFromShape(s);
  // Leading-dims column: dims = [out[0..k), 1, ..., 1]; one value per row.
  let k = dims.length;
  while (k > 0 && dims[k - 1] === 1) k--;
  if (dims.slice(0, k).every((d, i) => d === out[i])) {
    return { rows: size(out.slice(0, k)), lanes: size(out.slice(k)), operand: { rowStride: 1, laneStride: 0 } };
  }
  // Trailing-dims vector: dims = [1, ..., 1, out[k..)]; the same values on every row.
  k = 0;
  while (k < dims.length && dims[k] === 1) k++;
  if (dims.slice(k).every((d, i) => d === out[k + i])) {
    return { rows: size(out.slice(0, k)), lanes: size(out.slice(k)), operand: { rowStride: 0, laneStride: 1 } };
  }
  return null;
}

/** The loop layout of `a op b`, or null for a broadcast we leave to stock. Throws stock's error for incompatible shapes. */
export function binaryLayout(aShape: number[], bShape: number[]): Layout | null {
  const outShape = backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const size = util.sizeFromShape(outShape);
  const aFull = util.sizeFromShape(aShape) === size;
  const bFull = util.sizeFromShape(bShape) === size;
  if (aFull && bFull) {
    const walk = { rowStride: 0, laneStride: 1 };
    return { outShape, rows: 1, lanes: size, a: walk, b: walk };
  }
  if (!aFull && !bFull) return null;
  const repeated = repeatedOperand(aFull ? bShape : aShape, outShape);
  if (!repeated) return null;
  const { rows, lanes, operand } = repeated;
  const full = { rowStride: lanes, laneStride: 1 };
  return { outShape, rows, lanes, a: aFull ? full : operand, b: aFull ? operand : full };
}

/** A kernel function for binary op `kernelName` that computes float32 same-shape and one-block broadcasts itself. */
export function arithmeticKernel(kernelName: ArithmeticKernelName): (stock: KernelFunc) => KernelFunc {
  const loop = LOOPS[kernelName];
  return (stock) => (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const aValues = float32Values(backend, a);
    const bValues = float32Values(backend, b);
    const layout = aValues && bValues ? binaryLayout(a.shape, b.shape) : null;
    if (!aValues || !bValues || !layout) return stock(args);
    const { outShape, rows, lanes, a: sa, b: sb } = layout;
    const native = activeNative();
    if (native && rows * lanes >= NATIVE_ELEMENTWISE_MIN) {
      const out = overwrittenOutput(backend, rows * lanes);
      native.binary(NATIVE_OP[kernelName], rows, lanes, aValues, sa.rowStride, sa.laneStride, bValues, sb.rowStride, sb.laneStride, out);
      return backend.makeTensorInfo(outShape, 'float32', out);
    }
    const out = new Float32Array(rows * lanes);
    loop(aValues, sa.rowStride, sa.laneStride, bValues, sb.rowStride, sb.laneStride, out, rows, lanes);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}
