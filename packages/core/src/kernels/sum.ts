/**
 * Sum (float32) over a contiguous run of axes, read in place: the input is
 * viewed as [outer, reduced, inner] and each output sums its `reduced` values.
 * The stock kernel first transposes the reduced axes innermost, which for a
 * bias gradient (NHWC summed over N, H, W) costs more than the sum itself.
 * Non-contiguous axes, an empty axis list and other dtypes go to stock.
 * With the native provider, large inputs are summed by its threaded loop.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { activeNative, NATIVE_ELEMENTWISE_MIN } from './native.js';

/** The reduced axes as a half-open range [first, end), or null when they are not one contiguous run. */
export function contiguousAxes(axis: SumAttrs['axis'] | null | undefined, shape: number[]): [number, number] | null {
  // A missing axis means every axis; parseAxisParam expands it (its typing omits null).
  const axes = util.parseAxisParam(axis as SumAttrs['axis'], shape).sort((p, q) => p - q);
  if (axes.length === 0) return null;
  const first = axes[0];
  // Sorted and consecutive also rules out a repeated axis.
  return axes.every((a, i) => a === first + i) ? [first, first + axes.length] : null;
}

/**
 * out[o, i] = sum over r of x[o, r, i] for x viewed as [outer, reduced, inner].
 * Sums run in a float64 accumulator in increasing r, as stock's do, so the
 * float32 results equal stock's bit for bit (for an axis list given out of
 * order, stock adds in that order instead: equal up to rounding). The native
 * loop splits a single large row across threads and adds the float64 partial
 * sums, which can change the float32 result in its last bit.
 */
export function sumMiddleAxes(x: Float32Array, outer: number, reduced: number, inner: number): Float32Array {
  const out = new Float32Array(outer * inner);
  const native = activeNative();
  if (native && x.length >= NATIVE_ELEMENTWISE_MIN) {
    native.sumMiddle(x, outer, reduced, inner, out);
    return out;
  }
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * reduced;
      for (let r = 0; r < reduced; r++) s += x[base + r];
      out[o] = s;
    }
    return out;
  }
  // Whole rows of `inner` values at a time: the input is read once, front to back.
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    let row = o * reduced * inner;
    for (let r = 0; r < reduced; r++, row += inner) {
      for (let i = 0; i < inner; i++) acc[i] += x[row + i];
    }
    const dst = o * inner;
    for (let i = 0; i < inner; i++) out[dst + i] = acc[i];
  }
  return out;
}

/** A Sum kernel function that reduces float32 contiguous axes itself and hands the rest to `stock`. */
export function sumKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const values = float32Values(backend, x);
    const range = values ? contiguousAxes(axis, x.shape) : null;
    if (!values || !range) return stock(args);
    const [first, end] = range;
    const size = (dims: number[]): number => util.sizeFromShape(dims);
    const sums = sumMiddleAxes(values, size(x.shape.slice(0, first)), size(x.shape.slice(first, end)), size(x.shape.slice(end)));
    const kept = keepDims ? x.shape.slice(first, end).map(() => 1) : [];
    return backend.makeTensorInfo([...x.shape.slice(0, first), ...kept, ...x.shape.slice(end)], 'float32', sums);
  };
}
