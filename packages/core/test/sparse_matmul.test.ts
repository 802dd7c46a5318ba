import { describe, expect, it } from 'vitest';
import { csrFromDense, sparseMatMul, useNative } from '../src/kernels/index.js';
import { Rng } from '../src/rng.js';

const native = useNative(true);
useNative(false);

/** y = x W by the definition, in float64. */
function denseProduct(x: Float32Array, batch: number, w: Float32Array, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(batch * outDim);
  for (let b = 0; b < batch; b++) for (let i = 0; i < inDim; i++) for (let o = 0; o < outDim; o++) y[b * outDim + o] += x[b * inDim + i] * w[i * outDim + o];
  return y;
}

describe('sparseMatMul', () => {
  it('CSR of W and of its transpose, by hand', () => {
    // W = [[1, 0], [0, 2], [3, 0]]
    const w = Float32Array.from([1, 0, 0, 2, 3, 0]);
    const csr = csrFromDense(w, 3, 2);
    expect([Array.from(csr.rowPtr), Array.from(csr.colIdx), Array.from(csr.values)]).toEqual([[0, 1, 2, 3], [0, 1, 0], [1, 2, 3]]);
    const t = csrFromDense(w, 3, 2, true);
    expect([t.rows, t.cols, Array.from(t.rowPtr), Array.from(t.colIdx), Array.from(t.values)]).toEqual([2, 3, [0, 2, 3], [0, 2, 1], [1, 3, 2]]);
    // x = [[1, 1, 1], [0, 2, -1]] -> x W = [[4, 2], [-3, 4]].
    expect(Array.from(sparseMatMul(Float32Array.from([1, 1, 1, 0, 2, -1]), 2, t))).toEqual([4, 2, -3, 4]);
  });

  for (const provider of ['js', 'native'] as const) {
    it.skipIf(provider === 'native' && !native.available)(`${provider}: equals the dense product at densities 1 .. 0.01, batches 1 .. 300`, () => {
      useNative(provider === 'native');
      try {
        const rng = new Rng(7);
        for (const [batch, inDim, outDim, density] of [
          [1, 50, 30, 1],
          [7, 64, 48, 0.3],
          [300, 40, 33, 0.1],
          [5, 200, 17, 0.01],
          [3, 10, 4, 0],
        ]) {
          const w = Float32Array.from({ length: inDim * outDim }, () => (rng.uniform() < density ? rng.normal() : 0));
          const x = rng.normalArray(batch * inDim);
          const got = sparseMatMul(x, batch, csrFromDense(w, inDim, outDim, true));
          denseProduct(x, batch, w, inDim, outDim).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
        }
      } finally {
        useNative(false);
      }
    });
  }

  it('rejects mismatched arrays, natively too', () => {
    const t = csrFromDense(Float32Array.from([1, 0, 0, 2]), 2, 2, true);
    expect(() => sparseMatMul(new Float32Array(3), 2, t)).toThrow(/x has 3 values, expected batch 2 x 2/);
    expect(() => csrFromDense(new Float32Array(5), 2, 3)).toThrow(/5 values do not fill a 2 x 3 matrix/);
    if (native.available) {
      useNative(true);
      try {
        const bad = { ...t, colIdx: Int32Array.from([0, 5]) };
        expect(() => sparseMatMul(new Float32Array(4), 2, bad)).toThrow(/colIdx' holds an index outside/);
      } finally {
        useNative(false);
      }
    }
  });
});
