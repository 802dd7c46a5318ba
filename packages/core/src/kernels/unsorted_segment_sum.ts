/**
 * UnsortedSegmentSum (float32 values, one segment id per row): the gradient of
 * tf.gather, e.g. of an embedding lookup. The stock kernel builds, for every
 * one of the `numSegments` outputs, a mask over the whole input, multiplies
 * and sums it, so an embedding of 2,000 rows costs 2,000 passes over the
 * gradient. Here each row is added to its segment once, in a float64
 * accumulator in row order as stock sums, so finite results equal stock's
 * bit for bit. Ids outside [0, numSegments) are dropped, as there. One
 * difference: a NaN or infinity reaches only its own segment (stock's
 * mask-multiply spreads it to every segment). Segment ids of rank > 1 and
 * other dtypes go to stock.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';

/** out[s] = sum of the rows r (each `width` values) of x with ids[r] = s. */
export function segmentSumRows(x: Float32Array, ids: ArrayLike<number>, numSegments: number, width: number): Float32Array {
  const acc = new Float64Array(numSegments * width);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r];
    if (!(s >= 0 && s < numSegments)) continue;
    const src = r * width;
    const dst = s * width;
    for (let i = 0; i < width; i++) acc[dst + i] += x[src + i];
  }
  return Float32Array.from(acc);
}

export function unsortedSegmentSumKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = args.attrs as unknown as UnsortedSegmentSumAttrs;
    const values = float32Values(backend, x);
    const ids = backend.data.get(segmentIds.dataId).values;
    if (!values || segmentIds.shape.length !== 1 || x.shape.length < 1 || segmentIds.shape[0] !== x.shape[0] || !(ids instanceof Int32Array)) {
      return stock(args);
    }
    const inner = x.shape.slice(1);
    return backend.makeTensorInfo([numSegments, ...inner], 'float32', segmentSumRows(values, ids, numSegments, util.sizeFromShape(inner)));
  };
}
