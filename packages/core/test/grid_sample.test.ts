import { describe, expect, it } from 'vitest';
import { gridSample, identityGrid, Rng, tf } from '../src/index.js';

function randomTensor(rng: Rng, shape: number[], lo = -1, hi = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform()), shape);
}

describe('gridSample', () => {
  it('returns the input for the identity grid', () => {
    const rng = new Rng(1);
    const x = randomTensor(rng, [2, 5, 7, 3]) as tf.Tensor4D;
    const grid = tf.tile(identityGrid(5, 7), [2, 1, 1, 1]) as tf.Tensor4D;
    const y = gridSample(x, grid);
    expect(y.shape).toEqual([2, 5, 7, 3]);
    const a = y.dataSync();
    const b = x.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    tf.dispose([x, grid, y]);
  });

  it('interpolates bilinearly and reads zeros outside (hand-computed)', () => {
    // 2x2 image [[1, 2], [3, 4]]; (x, y) = (0, 0) is the centre of the image.
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    // centre -> mean 2.5; (1, -1) -> top right 2; (-1, 0) -> mean of left column 2;
    // (3, 1): one pixel right of the last column -> 0; (2, 1): half a pixel past it -> 0.5 * 4;
    // (1.5, -1): a quarter pixel past the last column of row 0 -> 0.75 * 2.
    const grid = tf.tensor4d([0, 0, 1, -1, -1, 0, 3, 1, 2, 1, 1.5, -1], [1, 1, 6, 2]);
    const y = gridSample(x, grid);
    const v = Array.from(y.dataSync());
    [2.5, 2, 2, 0, 2, 1.5].forEach((e, i) => expect(v[i]).toBeCloseTo(e, 6));
    tf.dispose([x, grid, y]);
  });

  it('matches finite differences for the input and the grid', () => {
    const rng = new Rng(7);
    const x = randomTensor(rng, [2, 4, 5, 2]) as tf.Tensor4D;
    // Points over the image and a little outside, away from pixel centres (where bilinear is not differentiable).
    const grid = randomTensor(rng, [2, 3, 3, 2], -1.2, 1.2) as tf.Tensor4D;
    const weights = randomTensor(rng, [2, 3, 3, 2]);
    const loss = (a: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(gridSample(a as tf.Tensor4D, g as tf.Tensor4D), weights));
    const [dx, dg] = tf.grads(loss)([x, grid]);
    const numeric = (which: 0 | 1, i: number) => {
      const eps = 1e-3;
      const base = (which === 0 ? x : grid).dataSync().slice();
      const at = (delta: number) => {
        const v = base.slice();
        v[i]! += delta;
        const t = tf.tensor(v, (which === 0 ? x : grid).shape);
        const l = which === 0 ? loss(t, grid) : loss(x, t);
        const r = l.dataSync()[0]!;
        tf.dispose([t, l]);
        return r;
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    };
    const dxv = dx!.dataSync();
    for (let i = 0; i < dxv.length; i++) expect(dxv[i]).toBeCloseTo(numeric(0, i), 2);
    const dgv = dg!.dataSync();
    for (let i = 0; i < dgv.length; i++) expect(dgv[i]).toBeCloseTo(numeric(1, i), 2);
    expect(dgv.some((v) => Math.abs(v) > 0.05)).toBe(true);
    tf.dispose([x, grid, weights, dx!, dg!]);
  });

  it('does not leak tensors under tf.grads', () => {
    const x = tf.ones([1, 3, 3, 1]) as tf.Tensor4D;
    const grid = identityGrid(3, 3);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(gridSample(a as tf.Tensor4D, b as tf.Tensor4D)))([x, grid]);
      tf.dispose(g);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, grid]);
  });

  it('names the argument on bad shapes', () => {
    const x = tf.zeros([1, 3, 3, 1]) as tf.Tensor4D;
    const g = tf.zeros([1, 3, 3, 3]) as tf.Tensor4D;
    expect(() => gridSample(x, g)).toThrow(/grid must be \[1, gridHeight, gridWidth, 2\]/);
    expect(() => identityGrid(0, 2)).toThrow(/height and width/);
    tf.dispose([x, g]);
  });
});
