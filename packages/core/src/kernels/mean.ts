/**
 * Mean (float32) over a contiguous run of axes: the Sum kernel's in-place
 * reduction divided by the reduced count. Stock transposes the reduced axes
 * innermost first, which makes batch-norm moments (NHWC over N, H, W) cost
 * more than the convolutions around them. Other cases go to stock.
 */
import { util } from '@tensorflow/tfjs-core';
import type { KernelFunc, MeanAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { contiguousAxes, sumMiddleAxes } from './sum.js';

export function meanKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as MeanAttrs;
    const values = float32Values(backend, x);
    const range = values ? contiguousAxes(axis, x.shape) : null;
    if (!values || !range) return stock(args);
    const [first, end] = range;
    const size = (dims: number[]): number => util.sizeFromShape(dims);
    const reduced = size(x.shape.slice(first, end));
    if (reduced === 0) return stock(args);
    const out = sumMiddleAxes(values, size(x.shape.slice(0, first)), reduced, size(x.shape.slice(end)));
    for (let i = 0; i < out.length; i++) out[i] /= reduced;
    const kept = keepDims ? x.shape.slice(first, end).map(() => 1) : [];
    return backend.makeTensorInfo([...x.shape.slice(0, first), ...kept, ...x.shape.slice(end)], 'float32', out);
  };
}
