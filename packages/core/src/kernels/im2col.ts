/**
 * The patch matrix of an NHWC 2-D convolution ("im2col", Chellapilla, Puri &
 * Simard 2006) and its adjoint ("col2im").
 *
 * Row m is output pixel m = (b, oh, ow) in NHWC order. Column
 * (kh * filterWidth + kw) * inChannels + ci holds the input value that filter
 * tap (kh, kw, ci) sees at that pixel, 0 where it falls in the padding. That
 * column order is the filter's own [FH, FW, CI, CO] layout read as a
 * [FH*FW*CI, CO] matrix, so with P the patch matrix:
 *   y = P · W,   dW = Pᵀ · dy,   dx = col2im(dy · Wᵀ).
 * The matrix is built a block of rows at a time so it never costs more memory
 * than a small multiple of the output.
 */
import type { backend_util } from '@tensorflow/tfjs-core';

type Conv2DInfo = backend_util.Conv2DInfo;

/** Floats in one block of patch rows: 1 MiB, about an L2's worth. */
const BLOCK_FLOATS = 1 << 18;
/** Fewer rows than this and the per-block GEMM setup starts to show. */
const MIN_BLOCK_ROWS = 64;

let scratch = new Float32Array(0);

/** Columns of the patch matrix: filterHeight * filterWidth * inChannels. */
export function patchWidth(info: Conv2DInfo): number {
  return info.filterHeight * info.filterWidth * info.inChannels;
}

/** Rows of the patch matrix: batch * outHeight * outWidth. */
export function patchRows(info: Conv2DInfo): number {
  return info.batchSize * info.outHeight * info.outWidth;
}

/**
 * True when the patch matrix is the input itself viewed as [B*H*W, CI]
 * (1x1 filter, stride 1, no padding), so callers can skip building it.
 */
export function isPointwise(info: Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth
  );
}

/** Rows per block, and a buffer that holds one block (reused across calls). */
export function patchBlock(info: Conv2DInfo): { rows: number; buffer: Float32Array } {
  const width = patchWidth(info);
  const rows = Math.min(patchRows(info), Math.max(MIN_BLOCK_ROWS, Math.floor(BLOCK_FLOATS / width)));
  if (scratch.length < rows * width) scratch = new Float32Array(rows * width);
  return { rows, buffer: scratch };
}

/** Writes patch rows [row0, row0 + rows) of input `x` into `out` (row-major, patchWidth columns). */
export function im2col(x: Float32Array, info: Conv2DInfo, row0: number, rows: number, out: Float32Array): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const rowFloats = inWidth * inChannels;
  const tapRowFloats = filterWidth * inChannels;
  let [b, oh, ow] = pixelOf(row0, outHeight, outWidth);
  let w = 0;
  for (let r = 0; r < rows; r++) {
    const imageBase = b * inHeight * rowFloats;
    const ih0 = oh * strideHeight - top;
    const iw0 = ow * strideWidth - left;
    for (let kh = 0; kh < filterHeight; kh++) {
      const ih = ih0 + kh * dilationHeight;
      if (ih < 0 || ih >= inHeight) {
        out.fill(0, w, w + tapRowFloats);
        w += tapRowFloats;
        continue;
      }
      const rowBase = imageBase + ih * rowFloats;
      for (let kw = 0; kw < filterWidth; kw++) {
        const iw = iw0 + kw * dilationWidth;
        if (iw < 0 || iw >= inWidth) {
          for (let c = 0; c < inChannels; c++) out[w++] = 0;
        } else {
          let s = rowBase + iw * inChannels;
          for (let c = 0; c < inChannels; c++) out[w++] = x[s++];
        }
      }
    }
    if (++ow === outWidth) {
      ow = 0;
      if (++oh === outHeight) {
        oh = 0;
        b++;
      }
    }
  }
}

/**
 * Adjoint of im2col: adds patch rows [row0, row0 + rows) of `cols` back onto
 * the input positions they were read from in `dx`; padding taps are dropped.
 */
export function col2im(cols: Float32Array, info: Conv2DInfo, row0: number, rows: number, dx: Float32Array): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const rowFloats = inWidth * inChannels;
  const tapRowFloats = filterWidth * inChannels;
  let [b, oh, ow] = pixelOf(row0, outHeight, outWidth);
  let w = 0;
  for (let r = 0; r < rows; r++) {
    const imageBase = b * inHeight * rowFloats;
    const ih0 = oh * strideHeight - top;
    const iw0 = ow * strideWidth - left;
    for (let kh = 0; kh < filterHeight; kh++) {
      const ih = ih0 + kh * dilationHeight;
      if (ih < 0 || ih >= inHeight) {
        w += tapRowFloats;
        continue;
      }
      const rowBase = imageBase + ih * rowFloats;
      for (let kw = 0; kw < filterWidth; kw++) {
        const iw = iw0 + kw * dilationWidth;
        if (iw < 0 || iw >= inWidth) {
          w += inChannels;
        } else {
          let s = rowBase + iw * inChannels;
          for (let c = 0; c < inChannels; c++) dx[s++] += cols[w++];
        }
      }
    }
    if (++ow === outWidth) {
      ow = 0;
      if (++oh === outHeight) {
        oh = 0;
        b++;
      }
    }
  }
}

/** (batch, outRow, outCol) of patch row m. */
function pixelOf(m: number, outHeight: number, outWidth: number): [number, number, number] {
  const perImage = outHeight * outWidth;
  const rest = m % perImage;
  return [Math.floor(m / perImage), Math.floor(rest / outWidth), rest % outWidth];
}
