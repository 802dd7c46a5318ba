/**
 * Conv2D (NHWC, float32) as patch matrix times filter: y[B*OH*OW, CO] =
 * P[B*OH*OW, FH*FW*CI] · W[FH*FW*CI, CO], one block of patch rows at a time.
 * Other layouts and dtypes go to the stock kernel.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { sgemm } from './gemm.js';
import { activeNative, nativeGeometry } from './native.js';
import { overwrittenOutput, type RecyclingBackend } from './output.js';
import { im2col, isPointwise, patchBlock, patchRows, patchWidth } from './im2col.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/** The convolution of NHWC `x` with `filter` described by `info`, as a new NHWC array (recyclable by `backend`). */
export function conv2dForward(x: Float32Array, filter: Float32Array, info: Conv2DInfo, backend?: RecyclingBackend): Float32Array {
  const m = patchRows(info);
  const k = patchWidth(info);
  const n = info.outChannels;
  const native = activeNative();
  const g = native && nativeGeometry(info);
  if (native && g) {
    const out = overwrittenOutput(backend, m * n);
    native.conv2d(x, g.xShape, filter, g.wShape, out, g.yShape, g.strides, g.dilations, g.pads);
    return out;
  }
  const y = new Float32Array(m * n);
  const w = { data: filter, offset: 0, stride: n, transposed: false };
  if (isPointwise(info)) {
    sgemm(m, n, k, { data: x, offset: 0, stride: k, transposed: false }, w, { data: y, offset: 0, stride: n, transposed: false });
    return y;
  }
  const block = patchBlock(info);
  const patches = { data: block.buffer, offset: 0, stride: k, transposed: false };
  for (let row0 = 0; row0 < m; row0 += block.rows) {
    const rows = Math.min(block.rows, m - row0);
    im2col(x, info, row0, rows, block.buffer);
    sgemm(rows, n, k, patches, w, { data: y, offset: row0 * n, stride: n, transposed: false });
  }
  return y;
}

/**
 * The conv geometry of an NHWC Conv2D/FusedConv2D call, or null when the
 * call is not one we serve (NCHW, or shapes the stock kernel should reject).
 */
export function nhwcConvInfo(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): Conv2DInfo | null {
  if (attrs.dataFormat !== 'NHWC' || x.shape.length !== 4 || filter.shape.length !== 4) return null;
  // The op checks this; a direct runKernel call may not, and stock then reports it.
  if (filter.shape[2] !== x.shape[3]) return null;
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** A Conv2D kernel function that computes NHWC float32 itself and hands the rest to `stock`. */
export function conv2dKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    const xValues = float32Values(backend, x);
    const wValues = float32Values(backend, filter);
    const info = xValues && wValues ? nhwcConvInfo(x, filter, attrs) : null;
    if (!xValues || !wValues || !info) return stock(args);
    return backend.makeTensorInfo(info.outShape, 'float32', conv2dForward(xValues, wValues, info, backend));
  };
}
