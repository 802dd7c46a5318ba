import { Rng, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { SparseLinear } from '../src/index.js';

describe('SparseLinear', () => {
  it('equals relu(x W + b) of tfjs at several densities, with inputs that are partly 0', () => {
    const rng = new Rng(1);
    for (const density of [1, 0.3, 0.05]) {
      const kernel = tf.tensor2d(Float32Array.from({ length: 64 * 48 }, () => (rng.uniform() < density ? rng.normal() : 0)), [64, 48]);
      const bias = tf.tensor1d(rng.normalArray(48));
      const x = tf.relu(tf.tensor2d(rng.normalArray(5 * 64), [5, 64]));
      const layer = new SparseLinear(kernel, bias, 'relu');
      const got = layer.apply(x);
      const want = tf.relu(tf.add(tf.matMul(x, kernel), bias));
      const g = got.dataSync();
      want.dataSync().forEach((v, i) => expect(g[i]).toBeCloseTo(v, 4));
      expect(layer.density).toBeCloseTo(density, 1);
      tf.dispose([kernel, bias, x, got, want]);
    }
  });

  it('rejects shapes that do not fit', () => {
    const k = tf.zeros([4, 3]);
    expect(() => new SparseLinear(tf.zeros([2, 2, 2]))).toThrow(/kernel must be \[in, out\]/);
    expect(() => new SparseLinear(k, tf.zeros([4]))).toThrow(/bias must be \[3\]/);
    expect(() => new SparseLinear(k).apply(tf.zeros([2, 5]))).toThrow(/x must be \[batch, 4\], got \[2,5\]/);
    tf.dispose(k);
  });
});
