/**
 * Transpose (float32) by strided copies. The stock kernel converts every flat
 * index to a coordinate array, permutes it and converts it back, allocating
 * an array per element; attention's head split and merge ([B,T,h,d] <->
 * [B,h,T,d]) then cost more than the matmuls around them. Here the axes are
 * simplified first (size-1 axes dropped, axes that stay neighbours merged),
 * so the head permutation becomes a copy of contiguous runs and a matrix
 * transpose becomes a tiled 2-D transpose. Other dtypes go to stock.
 */
import type { KernelFunc, TransposeAttrs } from '@tensorflow/tfjs-core';
import { float32LayoutKernel } from './cpu_data.js';

/** Side of the square tiles of a matrix transpose: 32 x 32 float32 reads and writes stay in L1. */
const TILE = 32;

/**
 * The same permutation on fewer, larger axes: `shape` and `perm` with size-1
 * axes removed and input axes that stay adjacent (and in order) in the output
 * merged into one. Moves exactly the same values as the original.
 */
export function simplifyPermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // Output order of the input axes that are not of size 1.
  const order = perm.filter((p) => shape[p] !== 1);
  // Runs of input axes that follow each other in the output: a run p, p+1, ... (size-1 axes between them are skipped).
  const nonUnit = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const rank = new Map(nonUnit.map((axis, r) => [axis, r]));
  const runs: number[][] = [];
  for (const p of order) {
    const last = runs[runs.length - 1];
    if (last && rank.get(p) === rank.get(last[last.length - 1])! + 1) last.push(p);
    else runs.push([p]);
  }
  // Runs sorted by their first input axis give the simplified input; their output order the permutation.
  const byInput = [...runs].sort((a, b) => a[0] - b[0]);
  return {
    shape: byInput.map((run) => run.reduce((n, axis) => n * shape[axis], 1)),
    perm: runs.map((run) => byInput.indexOf(run)),
  };
}

/** out[b, j, i] = x[b, i, j] for `batch` matrices of rows x cols, in square tiles. */
function transposeMatrices(x: Float32Array, out: Float32Array, batch: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(j0 + TILE, cols);
        for (let i = i0; i < i1; i++) {
          const src = base + i * cols;
          for (let j = j0; j < j1; j++) out[base + j * rows + i] = x[src + j];
        }
      }
    }
  }
}

/**
 * Writes `out` in order, output axis a walking the input with stride
 * `strides[a]`: an odometer over the outer axes and a loop over the last
 * (a contiguous run when its stride is 1).
 */
function stridedCopy(x: Float32Array, out: Float32Array, dims: readonly number[], strides: readonly number[]): void {
  const rank = dims.length;
  const n = dims[rank - 1];
  const step = strides[rank - 1];
  const count = new Int32Array(rank);
  let src = 0;
  for (let w = 0; w < out.length; ) {
    if (step === 1) for (let i = 0; i < n; i++) out[w++] = x[src + i];
    else for (let i = 0, r = src; i < n; i++, r += step) out[w++] = x[r];
    for (let a = rank - 2; a >= 0; a--) {
      src += strides[a];
      if (++count[a] < dims[a]) break;
      src -= strides[a] * dims[a];
      count[a] = 0;
    }
  }
}

/** The values of `x` (shape `shape`) transposed by `perm`, as a new array. */
export function transposeValues(x: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const simple = simplifyPermutation(shape, perm);
  const rank = simple.shape.length;
  if (rank <= 1 || x.length === 0) return x.slice();
  const out = new Float32Array(x.length);
  const last = simple.perm[rank - 1];
  // [.., M, N] -> [.., N, M] with the leading axes (merged into one) in place.
  if (last === rank - 2 && simple.perm[rank - 2] === rank - 1 && (rank === 2 || simple.perm[0] === 0)) {
    transposeMatrices(x, out, rank === 2 ? 1 : simple.shape[0], simple.shape[rank - 2], simple.shape[rank - 1]);
    return out;
  }
  const inStrides = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    inStrides[a] = s;
    s *= simple.shape[a];
  }
  stridedCopy(
    x,
    out,
    simple.perm.map((p) => simple.shape[p]),
    simple.perm.map((p) => inStrides[p]),
  );
  return out;
}

export function transposeKernel(stock: KernelFunc): KernelFunc {
  return float32LayoutKernel<TransposeAttrs>(
    stock,
    (shape, { perm }) => perm.map((p) => shape[p]),
    (x, shape, { perm }) => transposeValues(x, shape, perm),
  );
}
