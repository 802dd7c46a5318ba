/**
 * MaxPool, AvgPool and their gradients (NHWC, float32) on the native provider,
 * which runs oneDNN's pooling. There is no JS version: without native kernels
 * every call goes to the stock kernel, which is already a direct loop.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { AvgPoolAttrs, KernelFunc, MaxPoolAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { activeNative, nativeGeometry, type NativeGeometry } from './native.js';
import { overwrittenOutput } from './output.js';

type Pool = 'max' | 'avg';

/** Geometry of a 4-D pool over `x`, or null when the stock kernel should handle it. */
function poolGeometry(x: TensorInfo, attrs: MaxPoolAttrs | AvgPoolAttrs): NativeGeometry | null {
  if (x.shape.length !== 4) return null;
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  return nativeGeometry(info);
}

/** The forward pooling kernel of kind `pool`; non-native cases go to `stock`. */
export function poolKernel(pool: Pool): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const native = activeNative();
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const xValues = native ? float32Values(backend, x) : null;
    const g = xValues ? poolGeometry(x, args.attrs as unknown as MaxPoolAttrs) : null;
    if (!native || !xValues || !g) return stock(args);
    const y = overwrittenOutput(backend, g.yShape.reduce((a, b) => a * b, 1));
    if (pool === 'max') native.maxPool(xValues, g.xShape, y, g.yShape, g.window, g.strides, g.pads);
    else native.avgPool(xValues, g.xShape, y, g.yShape, g.window, g.strides, g.pads);
    return backend.makeTensorInfo(g.yShape, 'float32', y);
  };
}

/** The pooling gradient kernel of kind `pool` (inputs dy and input); non-native cases go to `stock`. */
export function poolGradKernel(pool: Pool): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const native = activeNative();
    const backend = args.backend as CpuLikeBackend;
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const dyValues = native ? float32Values(backend, dy) : null;
    const xValues = native ? float32Values(backend, input) : null;
    const g = dyValues && xValues ? poolGeometry(input, args.attrs as unknown as MaxPoolAttrs) : null;
    if (!native || !dyValues || !xValues || !g || g.yShape.some((d, i) => d !== dy.shape[i])) return stock(args);
    const dx = overwrittenOutput(backend, xValues.length);
    if (pool === 'max') native.maxPoolBackprop(dyValues, g.yShape, xValues, g.xShape, dx, g.window, g.strides, g.pads);
    else native.avgPoolBackprop(dyValues, g.yShape, dx, g.xShape, g.window, g.strides, g.pads);
    return backend.makeTensorInfo(g.xShape, 'float32', dx);
  };
}
