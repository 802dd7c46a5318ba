/**
 * Tile (float32) by block copies. The stock kernel converts every output
 * index to coordinates and back; the gradient of batch norm tiles its
 * per-channel scale to the whole activation ([C] -> [N, H, W, C]) several
 * times per step, and on a small VGG those tiles took more time than all the
 * convolutions. Here the axes are tiled from the last to the first: tiling
 * axis a repeats each contiguous block (axis a and all after it) reps[a]
 * times, a typed-array copy. Other dtypes go to stock.
 */
import type { KernelFunc, TileAttrs } from '@tensorflow/tfjs-core';
import { float32LayoutKernel } from './cpu_data.js';

/** The values of `x` (shape `shape`) tiled `reps[a]` times along each axis a, as a new array. */
export function tileValues(x: Float32Array, shape: readonly number[], reps: readonly number[]): Float32Array {
  let current = x;
  const dims = [...shape];
  for (let a = dims.length - 1; a >= 0; a--) {
    const r = reps[a];
    if (r === 1) continue;
    // One block is axis a and every axis after it, already tiled.
    let block = 1;
    for (let b = a; b < dims.length; b++) block *= dims[b];
    const outer = block === 0 ? 0 : current.length / block;
    const next = new Float32Array(current.length * r);
    for (let o = 0; o < outer; o++) {
      const src = current.subarray(o * block, (o + 1) * block);
      for (let k = 0; k < r; k++) next.set(src, (o * r + k) * block);
    }
    current = next;
    dims[a] *= r;
  }
  return current === x ? x.slice() : current;
}

export function tileKernel(stock: KernelFunc): KernelFunc {
  return float32LayoutKernel<TileAttrs>(
    stock,
    (shape, { reps }) => (reps.length === shape.length ? shape.map((d, a) => d * reps[a]) : null),
    (x, shape, { reps }) => tileValues(x, shape, reps),
  );
}
