/**
 * GatherV2 (float32, batchDims 0) by copying whole slices: x viewed as
 * [outer, axisSize, slice], output [outer, indices, slice]. The stock kernel
 * converts every output element's flat index to coordinates and back, which
 * for an embedding lookup costs more than the lookup. Out-of-range indices
 * throw stock's error; other dtypes and batchDims go to stock.
 */
import { util } from '@tensorflow/tfjs-core';
import type { GatherV2Attrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';

/** out[o, j, :] = x[o, indices[j], :] for x viewed as [outer, axisSize, slice]. */
export function gatherSlices(x: Float32Array, indices: ArrayLike<number>, outer: number, axisSize: number, slice: number): Float32Array {
  const out = new Float32Array(outer * indices.length * slice);
  for (let o = 0, w = 0; o < outer; o++) {
    const base = o * axisSize;
    for (let j = 0; j < indices.length; j++, w += slice) {
      const src = (base + indices[j]) * slice;
      out.set(x.subarray(src, src + slice), w);
    }
  }
  return out;
}

export function gatherV2Kernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
    const values = float32Values(backend, x);
    const ids = backend.data.get(indices.dataId).values;
    if (!values || (batchDims ?? 0) !== 0 || !(ids instanceof Int32Array)) return stock(args);
    const a = util.parseAxisParam(axis, x.shape)[0];
    const axisSize = x.shape[a];
    for (const index of ids) {
      // Stock's check and message.
      util.assert(index <= axisSize - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisSize - 1}]`);
    }
    const outShape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
    const outer = util.sizeFromShape(x.shape.slice(0, a));
    const slice = util.sizeFromShape(x.shape.slice(a + 1));
    return backend.makeTensorInfo(outShape, 'float32', gatherSlices(values, ids, outer, axisSize, slice));
  };
}
