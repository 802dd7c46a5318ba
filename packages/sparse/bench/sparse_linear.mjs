#!/usr/bin/env node
/**
 * Sparse inference against the dense path, measured in one process so that the
 * ratio survives a noisy machine: a pruned dense layer y = relu(x W + b) as
 * `SparseLinear` (CSR, cost ~ kept weights) against tfjs `fused.matMul` on the
 * backend `initBackend()` picks (with @proj/core's kernels, native BLAS when
 * built). Inputs are ReLU outputs (about half zeros), as for a hidden layer.
 *
 *   node packages/sparse/bench/sparse_linear.mjs [--json]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { initBackend, Rng, tf } from '@proj/core';
import { SparseLinear } from '@proj/sparse';
import { TIMING, timeIt } from '../../core/bench/timing.mjs';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const backend = await initBackend();

/**
 * Median ms per call of `fn`, timed as every @proj/core benchmark case
 * (`timeIt`); calls under a millisecond are repeated inside each sample so
 * that a sample lasts about 2 ms.
 */
function time(fn) {
  const t0 = performance.now();
  fn();
  const inner = Math.max(1, Math.ceil(2 / Math.max(performance.now() - t0, 1e-3)));
  return timeIt(() => {
    for (let i = 0; i < inner; i++) fn();
  }, TIMING.full).median / inner;
}

const rng = new Rng(0);
const rows = [];
for (const [fanIn, fanOut] of [[1024, 1024], [784, 300]]) {
  for (const batch of [1, 16, 64, 256]) {
    const xData = Float32Array.from(rng.normalArray(batch * fanIn), (v) => Math.max(v, 0));
    const x = tf.tensor2d(xData, [batch, fanIn]);
    for (const density of [1, 0.5, 0.2, 0.1, 0.05, 0.02]) {
      const kernel = tf.tensor2d(Float32Array.from({ length: fanIn * fanOut }, () => (rng.uniform() < density ? rng.normal() : 0)), [fanIn, fanOut]);
      const bias = tf.tensor1d(rng.normalArray(fanOut));
      // Not tf.tidy(() => y.dataSync()): tidy walks a returned typed array entry by entry (measured 110 ms for 64K floats).
      const dense = time(() => {
        const y = tf.fused.matMul({ a: x, b: kernel, bias, activation: 'relu' });
        y.dataSync();
        y.dispose();
      });
      const layer = new SparseLinear(kernel, bias, 'relu');
      const sparse = time(() => layer.applyArray(xData, batch));
      rows.push({ layer: `${fanIn}x${fanOut}`, batch, density, dense_ms: dense, sparse_ms: sparse, speedup: dense / sparse });
      tf.dispose([kernel, bias]);
    }
    x.dispose();
  }
}

if (values.json) {
  console.log(JSON.stringify({ backend: backend.name, native: backend.native, rows }));
} else {
  console.log(`backend ${backend.name} (${backend.reason}); native: ${backend.native.active ? backend.native.reason : 'off'}`);
  console.log('layer      batch  density   dense ms  sparse ms  dense/sparse');
  for (const r of rows) {
    console.log(
      `${r.layer.padEnd(9)}  ${String(r.batch).padStart(5)}  ${r.density.toFixed(2).padStart(7)}  ${r.dense_ms.toFixed(3).padStart(9)}  ${r.sparse_ms.toFixed(3).padStart(9)}  ${r.speedup.toFixed(2).padStart(12)}`,
    );
  }
}
