/**
 * Puts @proj/core's kernels into tfjs's kernel registry in place of a CPU-style
 * backend's stock ones, keeping each stock kernel as the fallback for the
 * cases ours do not serve, and puts the stock ones back on request.
 */
import {
  Add,
  AvgPool,
  AvgPoolGrad,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  Exp,
  FusedConv2D,
  GatherV2,
  MaxPool,
  MaxPoolGrad,
  Mean,
  Multiply,
  RealDiv,
  Relu,
  Softmax,
  Sqrt,
  Square,
  Step,
  Sub,
  Sum,
  Tile,
  Transpose,
  UnsortedSegmentSum,
  _FusedMatMul,
  getKernel,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { arithmeticKernel, type ArithmeticKernelName } from './arithmetic.js';
import { broadcastKernel } from './broadcast.js';
import { conv2dKernel } from './conv2d.js';
import { conv2dBackpropFilterKernel } from './conv2d_backprop_filter.js';
import { conv2dBackpropInputKernel } from './conv2d_backprop_input.js';
import { fusedConv2dKernel } from './fused_conv2d.js';
import { fusedMatMulKernel } from './fused_matmul.js';
import { batchMatMulKernel } from './matmul.js';
import { activeNative } from './native.js';
import { releaseOutputPool } from './output.js';
import { poolGradKernel, poolKernel } from './pool.js';
import { reluKernel, stepKernel } from './relu.js';
import { sumKernel } from './sum.js';
import { meanKernel } from './mean.js';
import { tileKernel } from './tile.js';
import { transposeKernel } from './transpose.js';
import { softmaxKernel } from './softmax.js';
import { expKernel } from './exp.js';
import { sqrtKernel, squareKernel } from './sqrt_square.js';
import { gatherV2Kernel } from './gather_v2.js';
import { unsortedSegmentSumKernel } from './unsorted_segment_sum.js';

/** Same-shape and one-block broadcasts in the arithmetic kernel, every other float32 broadcast in the broadcast kernel. */
const binaryKernel = (name: ArithmeticKernelName) => (stock: KernelFunc): KernelFunc => arithmeticKernel(name)(broadcastKernel(name)(stock));

const FAST_KERNELS: ReadonlyArray<[string, (stock: KernelFunc) => KernelFunc]> = [
  [Conv2D, conv2dKernel],
  [FusedConv2D, fusedConv2dKernel],
  [Conv2DBackpropFilter, conv2dBackpropFilterKernel],
  [Conv2DBackpropInput, conv2dBackpropInputKernel],
  [BatchMatMul, batchMatMulKernel],
  [_FusedMatMul, fusedMatMulKernel],
  [MaxPool, poolKernel('max')],
  [MaxPoolGrad, poolGradKernel('max')],
  [AvgPool, poolKernel('avg')],
  [AvgPoolGrad, poolGradKernel('avg')],
  [Sum, sumKernel],
  [Mean, meanKernel],
  [Add, binaryKernel(Add)],
  [Sub, binaryKernel(Sub)],
  [Multiply, binaryKernel(Multiply)],
  [RealDiv, binaryKernel(RealDiv)],
  [Relu, reluKernel],
  [Step, stepKernel],
  [Transpose, transposeKernel],
  [Tile, tileKernel],
  [Softmax, softmaxKernel],
  [Exp, expKernel],
  [Sqrt, sqrtKernel],
  [Square, squareKernel],
  [GatherV2, gatherV2Kernel],
  [UnsortedSegmentSum, unsortedSegmentSumKernel],
];

/** Kernels only the native provider computes; without it they pass every call to stock. */
const NATIVE_ONLY = new Set<string>([MaxPool, MaxPoolGrad, AvgPool, AvgPoolGrad]);

interface Swap {
  stock: KernelConfig;
  ours: KernelConfig;
}

/** backend name -> kernel name -> what we replaced and with what. */
const swaps = new Map<string, Map<string, Swap>>();

/**
 * Serves Conv2D, FusedConv2D, Conv2DBackpropFilter, Conv2DBackpropInput,
 * BatchMatMul, _FusedMatMul, Sum, Add, Sub, Multiply, RealDiv, Relu and Step
 * on `backendName` with @proj/core's kernels,
 * and with native kernels on (see `useNative`) also the pooling kernels.
 * Kernels the backend has no stock version of are left alone (there would be
 * nothing to fall back to). Idempotent; returns the kernel names now ours.
 * Also served: Mean, Transpose, Tile, Softmax, Exp, Sqrt, Square, GatherV2 and UnsortedSegmentSum.
 */
export function registerFastKernels(backendName = 'cpu'): string[] {
  let swapped = swaps.get(backendName);
  if (!swapped) {
    swapped = new Map();
    for (const [kernelName, make] of FAST_KERNELS) {
      const stock = getKernel(kernelName, backendName);
      if (!stock) continue;
      const ours: KernelConfig = { ...stock, kernelFunc: make(stock.kernelFunc) };
      // registerKernel only warns on a duplicate; unregistering first keeps logs clean.
      unregisterKernel(kernelName, backendName);
      registerKernel(ours);
      swapped.set(kernelName, { stock, ours });
    }
    swaps.set(backendName, swapped);
  }
  return [...swapped.keys()].filter((k) => activeNative() || !NATIVE_ONLY.has(k));
}

/**
 * Restores the stock kernels that registerFastKernels replaced on
 * `backendName`. A kernel someone else re-registered since is left as it is.
 * A no-op when ours are not registered. Also frees the pooled output arrays.
 */
export function unregisterFastKernels(backendName = 'cpu'): void {
  const swapped = swaps.get(backendName);
  if (!swapped) return;
  releaseOutputPool();
  for (const [kernelName, { stock, ours }] of swapped) {
    if (getKernel(kernelName, backendName) !== ours) continue;
    unregisterKernel(kernelName, backendName);
    registerKernel(stock);
  }
  swaps.delete(backendName);
}
