/**
 * Native CPU kernels for @proj/core: oneDNN convolutions/pooling and OpenBLAS
 * GEMM on Float32Arrays. All arrays are row-major; activations are NHWC and
 * filters use the tfjs layouts. Every function is synchronous and writes its
 * result into the caller's output array. Lengths and shapes are checked:
 * a wrong type throws TypeError, a wrong length or inconsistent shape throws
 * RangeError, both naming the argument.
 */

/** [N, H, W, C] */
export type Shape4 = [number, number, number, number];
/** [height, width] */
export type Pair = [number, number];
/** [top, left, bottom, right] */
export type Pads = [number, number, number, number];

export interface NativeInfo {
  /** oneDNN version, e.g. "2.6.3". */
  onednn: string;
  /** oneDNN CPU threading runtime ("OpenMP" for Debian's libdnnl). */
  onednnRuntime: string;
  /** Instruction set oneDNN dispatches to, e.g. "avx512_core_bf16". */
  onednnIsa: string;
  /** openblas_get_config(), e.g. "OpenBLAS 0.3.21 ... Haswell MAX_THREADS=64". */
  openblas: string;
  /** Kernel family OpenBLAS runs (OPENBLAS_CORETYPE overrides it). */
  openblasCore: string;
  openblasThreads: number;
  ompMaxThreads: number;
  /** Threads both libraries use (setNumThreads). */
  threads: number;
  /** What sgemm runs on: 'openblas' (cblas_sgemm, default) or 'onednn' (dnnl_sgemm). */
  gemm: 'openblas' | 'onednn';
  /**
   * Whether glibc keeps freed memory for reuse (set at load unless
   * PROJ_NATIVE_MALLOC=0): kernel outputs then land on already-mapped pages.
   */
  mallocTuned: boolean;
}

export interface NativeKernels {
  /** Threads for oneDNN (OpenMP) and OpenBLAS (pthreads). Default: the CPUs this process may use. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /**
   * GEMM library for sgemm and the large matrices of batchedSgemm. Default
   * 'openblas'; env PROJ_NATIVE_GEMM=onednn selects oneDNN's JIT sgemm at load.
   */
  setGemmBackend(backend: 'openblas' | 'onednn'): void;
  info(): NativeInfo;

  /**
   * y[batch, outDim] = x[batch, inDim] W for a sparse W given as the CSR of
   * its transpose: row o of (rowPtr, colIdx, values) lists the inputs feeding
   * output o. Costs batch * nnz multiply-adds, threaded over outputs.
   */
  csrMatMulT(
    batch: number, inDim: number, outDim: number,
    rowPtr: Int32Array, colIdx: Int32Array, values: Float32Array, x: Float32Array, y: Float32Array,
  ): void;

  /** C[M,N] = alpha * op(A) * op(B) + beta * C, op(A) is [M,K], op(B) is [K,N]; cblas_sgemm. */
  sgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Float32Array, B: Float32Array, C: Float32Array, alpha?: number, beta?: number,
  ): void;
  /**
   * C[b] = op(A[b]) * op(B[b]) for b < batch. A broadcast operand is a single
   * matrix used for every b. batch 1 is sgemm; batch > 1 runs a oneDNN matmul
   * threaded across the batch.
   */
  batchedSgemm(
    batch: number, transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: Float32Array, B: Float32Array, C: Float32Array, broadcastA?: boolean, broadcastB?: boolean,
  ): void;

  /**
   * y = conv2d(x, w). x [N,H,W,Ci], w [kh,kw,Ci,Co] (HWIO), y [N,Ho,Wo,Co].
   * Dilations are 1-based as in tfjs (1 = dense). Pads are explicit
   * [top,left,bottom,right]; an output larger than floor rounding gives (tfjs
   * 'ceil' rounding) widens the bottom/right pad.
   */
  conv2d(
    x: Float32Array, xShape: Shape4, w: Float32Array, wShape: Shape4, y: Float32Array, yShape: Shape4,
    strides: Pair, dilations: Pair, pads: Pads,
  ): void;
  /** dx = gradient of conv2d with respect to x; shapes as in conv2d. */
  conv2dBackpropInput(
    dy: Float32Array, dyShape: Shape4, w: Float32Array, wShape: Shape4, dx: Float32Array, dxShape: Shape4,
    strides: Pair, dilations: Pair, pads: Pads,
  ): void;
  /** dw = gradient of conv2d with respect to w (HWIO); shapes as in conv2d. */
  conv2dBackpropFilter(
    x: Float32Array, xShape: Shape4, dy: Float32Array, dyShape: Shape4, dw: Float32Array, dwShape: Shape4,
    strides: Pair, dilations: Pair, pads: Pads,
  ): void;

  /** Depthwise conv: w [kh,kw,Ci,mult], y [N,Ho,Wo,Ci*mult], output channel ci*mult+m. */
  depthwiseConv2d(
    x: Float32Array, xShape: Shape4, w: Float32Array, wShape: Shape4, y: Float32Array, yShape: Shape4,
    strides: Pair, dilations: Pair, pads: Pads,
  ): void;
  depthwiseConv2dBackpropInput(
    dy: Float32Array, dyShape: Shape4, w: Float32Array, wShape: Shape4, dx: Float32Array, dxShape: Shape4,
    strides: Pair, dilations: Pair, pads: Pads,
  ): void;
  depthwiseConv2dBackpropFilter(
    x: Float32Array, xShape: Shape4, dy: Float32Array, dyShape: Shape4, dw: Float32Array, dwShape: Shape4,
    strides: Pair, dilations: Pair, pads: Pads,
  ): void;

  /** Max pooling, padding ignored. x [N,H,W,C], y [N,Ho,Wo,C]. */
  maxPool(x: Float32Array, xShape: Shape4, y: Float32Array, yShape: Shape4, filterSize: Pair, strides: Pair, pads: Pads): void;
  /** dx of maxPool: each dy goes to the first maximum of its window (row-major), as tfjs does. */
  maxPoolBackprop(
    dy: Float32Array, dyShape: Shape4, x: Float32Array, xShape: Shape4, dx: Float32Array,
    filterSize: Pair, strides: Pair, pads: Pads,
  ): void;
  /** Average pooling over the real (unpadded) elements of each window, as tfjs does. */
  avgPool(x: Float32Array, xShape: Shape4, y: Float32Array, yShape: Shape4, filterSize: Pair, strides: Pair, pads: Pads): void;
  avgPoolBackprop(
    dy: Float32Array, dyShape: Shape4, dx: Float32Array, dxShape: Shape4, filterSize: Pair, strides: Pair, pads: Pads,
  ): void;

  /**
   * out[r * lanes + l] = a[r * aRowStride + l * aLaneStride] op b[r * bRowStride + l * bLaneStride]
   * for the output viewed as [rows, lanes]; op 0 add, 1 sub, 2 mul, 3 div.
   * Lane strides are 0 or 1; each operand's length must be exactly what its
   * strides reach. Bit-identical to the float32-rounded float64 result.
   */
  binary(
    op: 0 | 1 | 2 | 3, rows: number, lanes: number,
    a: Float32Array, aRowStride: number, aLaneStride: number,
    b: Float32Array, bRowStride: number, bLaneStride: number, out: Float32Array,
  ): void;
  /** y = max(0, x) (NaN stays NaN, -0 becomes +0); y may be x. */
  relu(x: Float32Array, y: Float32Array): void;
  /** y = 1 where x > 0, NaN where x is NaN, alpha elsewhere; y may be x. */
  step(x: Float32Array, y: Float32Array, alpha: number): void;
  /** y = sqrt(x) (op 0) or x * x (op 1); y may be x. */
  unary(op: 0 | 1, x: Float32Array, y: Float32Array): void;
  /**
   * out[o, i] = sum over r of x[o, r, i] for x viewed as [outer, reduced, inner],
   * accumulated in float64 (a large single row split across threads).
   */
  sumMiddle(x: Float32Array, outer: number, reduced: number, inner: number, out: Float32Array): void;
}

/** True when the addon is built, loads and passed its self-check. */
export declare const available: boolean;
/** What was loaded (libraries, ISA, threads), or why it is not available. */
export declare const reason: string;
/** The kernels, or null when not available. */
export declare const native: NativeKernels | null;
