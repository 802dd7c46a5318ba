/**
 * Conv2DBackpropFilter (NHWC, float32): dW[FH*FW*CI, CO] = Pᵀ · dy with P the
 * patch matrix of x, summed over blocks of patch rows. The stock kernel walks
 * the 7-deep loop nest through TensorBuffer.get and runs at ~0.01 GFLOP/s;
 * this is one GEMM. Like the stock kernel it has no dilation attribute
 * (tfjs has no gradient for dilated conv2d).
 */
import { backend_util, util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { sgemm } from './gemm.js';
import { activeNative, nativeGeometry } from './native.js';
import { overwrittenOutput, type RecyclingBackend } from './output.js';
import { im2col, isPointwise, patchBlock, patchRows, patchWidth } from './im2col.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/** Gradient of the conv described by `info` with respect to its filter, in [FH, FW, CI, CO] order. */
export function conv2dFilterGradient(x: Float32Array, dy: Float32Array, info: Conv2DInfo, backend?: RecyclingBackend): Float32Array {
  const m = patchRows(info);
  const k = patchWidth(info);
  const n = info.outChannels;
  const native = activeNative();
  const g = native && nativeGeometry(info);
  if (native && g) {
    const out = overwrittenOutput(backend, k * n);
    native.conv2dBackpropFilter(x, g.xShape, dy, g.yShape, out, g.wShape, g.strides, g.dilations, g.pads);
    return out;
  }
  const dw = new Float32Array(k * n);
  const out = { data: dw, offset: 0, stride: n, transposed: false };
  if (isPointwise(info)) {
    sgemm(k, n, m, { data: x, offset: 0, stride: k, transposed: true }, { data: dy, offset: 0, stride: n, transposed: false }, out);
    return dw;
  }
  const block = patchBlock(info);
  const patchesT = { data: block.buffer, offset: 0, stride: k, transposed: true };
  for (let row0 = 0; row0 < m; row0 += block.rows) {
    const rows = Math.min(block.rows, m - row0);
    im2col(x, info, row0, rows, block.buffer);
    sgemm(k, n, rows, patchesT, { data: dy, offset: row0 * n, stride: n, transposed: false }, out);
  }
  return dw;
}

/** A Conv2DBackpropFilter kernel function for NHWC float32; other calls go to `stock`. */
export function conv2dBackpropFilterKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    const xValues = float32Values(backend, x);
    const dyValues = float32Values(backend, dy);
    const { filterShape } = attrs;
    if (!xValues || !dyValues || attrs.dataFormat !== 'NHWC' || x.shape.length !== 4) return stock(args);
    if (filterShape.length !== 4 || filterShape[2] !== x.shape[3]) return stock(args);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (!util.arraysEqual(dy.shape, info.outShape)) return stock(args);
    return backend.makeTensorInfo(info.filterShape, 'float32', conv2dFilterGradient(xValues, dyValues, info, backend));
  };
}
