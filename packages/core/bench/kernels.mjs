// Stock tfjs-backend-cpu kernels vs @proj/core's on one conv layer and its GEMM.
//
//   npm run build -w @proj/core && node packages/core/bench/kernels.mjs [--quick] [--reps N]
//
// Case: x [64,16,16,32], 3x3 filter to 64 channels, 'same', stride 1; the
// matmul is that conv's patch product, 16384x288 by 288x64. Each kernel does
// 2*16384*288*64 = 604 MFLOP. The stock Conv2DBackpropFilter needs ~50 s there,
// so --quick times that one stock kernel on batch 4 instead of 64 (1/16 of the
// work) and compares GFLOP/s; small cases flatter the other stock kernels
// (their operands fit in cache), so those always run the full case. Times are
// the best of --reps runs (default 3) after one warm-up; a kernel whose first
// run takes over 5 s is timed on that one run.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerFastKernels, unregisterFastKernels } from '../dist/index.js';
import { lcgTensor } from './cases.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 3;

await tf.setBackend('cpu');
// Skip the cpu backend's one-time advice to install tfjs-node, which is not the point here.
tf.backend().firstUse = false;

const tensor = (shape, seed) => lcgTensor(tf, shape, seed);

/** Input tensors and a thunk running one kernel for the conv case with `batch` images. */
function makeCase(op, batch) {
  const [h, w, ci, co, k] = [16, 16, 32, 64, 3];
  const m = batch * h * w;
  const flops = 2 * m * k * k * ci * co;
  const conv = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
  const x = tensor([batch, h, w, ci], 1);
  const filter = tensor([k, k, ci, co], 2);
  const dy = tensor([batch, h, w, co], 3);
  const a = tensor([m, k * k * ci], 4);
  const b = tensor([k * k * ci, co], 5);
  const inputs = [x, filter, dy, a, b];
  const run = {
    Conv2DBackpropFilter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...conv, filterShape: filter.shape }),
    Conv2D: () => tf.engine().runKernel('Conv2D', { x, filter }, { ...conv, dilations: [1, 1] }),
    Conv2DBackpropInput: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...conv, inputShape: x.shape }),
    MatMul: () => tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }),
  }[op];
  return { run, flops, dispose: () => tf.dispose(inputs), label: op === 'MatMul' ? `${m}x${k * k * ci}x${co}` : `batch ${batch}` };
}

/** Best wall time in ms of `run`, warming up first unless one run is known to be slow. */
function time(run) {
  const once = () => {
    const t0 = performance.now();
    tf.dispose(run());
    return performance.now() - t0;
  };
  let best = once();
  if (best > 5000) return best;
  for (let i = 0; i < reps; i++) best = Math.min(best, once());
  return best;
}

function measure(op, batch, fast) {
  if (fast) registerFastKernels();
  else unregisterFastKernels();
  const c = makeCase(op, batch);
  const ms = time(c.run);
  c.dispose();
  return { ms, gflops: c.flops / ms / 1e6, label: c.label };
}

const ops = ['Conv2DBackpropFilter', 'Conv2D', 'Conv2DBackpropInput', 'MatMul'];
const rows = [];
for (const op of ops) {
  const stockBatch = quick && op === 'Conv2DBackpropFilter' ? 4 : 64;
  const stock = measure(op, stockBatch, false);
  const ours = measure(op, 64, true);
  rows.push({
    kernel: op,
    'stock case': stock.label,
    'stock ms': stock.ms.toFixed(0),
    'stock GFLOP/s': stock.gflops.toFixed(3),
    'ours case': ours.label,
    'ours ms': ours.ms.toFixed(1),
    'ours GFLOP/s': ours.gflops.toFixed(2),
    'speed-up': `${(ours.gflops / stock.gflops).toFixed(1)}x`,
  });
  console.error(`${op} done`);
}
unregisterFastKernels();
console.table(rows);
