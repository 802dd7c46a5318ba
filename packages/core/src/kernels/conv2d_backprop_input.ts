/**
 * Conv2DBackpropInput (NHWC, float32): dx = col2im(dy · Wᵀ), the adjoint of
 * the forward patch-matrix product, one block of patch rows at a time. Like
 * the stock kernel it has no dilation attribute.
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { sgemm } from './gemm.js';
import { activeNative, nativeGeometry } from './native.js';
import { overwrittenOutput, type RecyclingBackend } from './output.js';
import { col2im, isPointwise, patchBlock, patchRows, patchWidth } from './im2col.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/** Gradient of the conv described by `info` with respect to its NHWC input. */
export function conv2dInputGradient(dy: Float32Array, filter: Float32Array, info: Conv2DInfo, backend?: RecyclingBackend): Float32Array {
  const m = patchRows(info);
  const k = patchWidth(info);
  const n = info.outChannels;
  const native = activeNative();
  const g = native && nativeGeometry(info);
  if (native && g) {
    const out = overwrittenOutput(backend, util.sizeFromShape(info.inShape));
    native.conv2dBackpropInput(dy, g.yShape, filter, g.wShape, out, g.xShape, g.strides, g.dilations, g.pads);
    return out;
  }
  const dx = new Float32Array(util.sizeFromShape(info.inShape));
  const filterT = { data: filter, offset: 0, stride: n, transposed: true };
  if (isPointwise(info)) {
    sgemm(m, k, n, { data: dy, offset: 0, stride: n, transposed: false }, filterT, { data: dx, offset: 0, stride: k, transposed: false });
    return dx;
  }
  const block = patchBlock(info);
  const patches = { data: block.buffer, offset: 0, stride: k, transposed: false };
  for (let row0 = 0; row0 < m; row0 += block.rows) {
    const rows = Math.min(block.rows, m - row0);
    block.buffer.fill(0, 0, rows * k);
    sgemm(rows, k, n, { data: dy, offset: row0 * n, stride: n, transposed: false }, filterT, patches);
    col2im(block.buffer, info, row0, rows, dx);
  }
  return dx;
}

/** A Conv2DBackpropInput kernel function for NHWC float32; other calls go to `stock`. */
export function conv2dBackpropInputKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const dyValues = float32Values(backend, dy);
    const wValues = float32Values(backend, filter);
    const { inputShape } = attrs;
    if (!dyValues || !wValues || attrs.dataFormat !== 'NHWC' || filter.shape.length !== 4) return stock(args);
    if (inputShape.length !== 4 || filter.shape[2] !== inputShape[3]) return stock(args);
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (!util.arraysEqual(dy.shape, info.outShape)) return stock(args);
    return backend.makeTensorInfo(info.inShape, 'float32', conv2dInputGradient(dyValues, wValues, info, backend));
  };
}
