import { initBackend, Rng, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { augment, augmentIndices, reindex } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

describe('differentiable augmentations', () => {
  it('shifts with zero padding and flips, by hand', () => {
    // One 3x3 image 1..9; index maps for a shift right by one pixel and for a flip.
    const img = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const shiftRight = Int32Array.from([-1, 0, 1, -1, 3, 4, -1, 6, 7]);
    const flip = Int32Array.from([2, 1, 0, 5, 4, 3, 8, 7, 6]);
    expect(Array.from(reindex(img, shiftRight).dataSync())).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(Array.from(reindex(img, flip).dataSync())).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    img.dispose();
  });

  it('draws shifts within the padding and keeps every channel of a pixel together', () => {
    const index = augmentIndices([50, 5, 5, 3], { pad: 1, flip: true }, new Rng(0));
    for (let i = 0; i < 50; i++) {
      for (let p = 0; p < 25; p++) {
        const s = index[i * 25 + p];
        if (s < 0) continue;
        expect(Math.floor(s / 25)).toBe(i); // never borrows from another image
        const [r, c, sr, sc] = [Math.floor(p / 5), p % 5, Math.floor((s % 25) / 5), s % 5];
        expect(Math.abs(sr - r)).toBeLessThanOrEqual(1);
        expect(Math.min(Math.abs(sc - c), Math.abs(sc - (4 - c)))).toBeLessThanOrEqual(1);
      }
    }
    const x = tf.randomUniform([2, 5, 5, 3], 0, 1, 'float32', 1);
    const out = augment(x, { pad: 0, flip: false }, new Rng(0));
    expect(Array.from(out.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, out]);
  });

  it('has the transpose of the re-indexing as its gradient (matches finite differences)', () => {
    const rng = new Rng(2);
    const index = augmentIndices([2, 4, 4, 2], { pad: 1, flip: true }, rng);
    const x = tf.tensor4d(rng.uniformArray(64), [2, 4, 4, 2]);
    const w = tf.tensor4d(rng.uniformArray(64, -1, 1), [2, 4, 4, 2]);
    const f = (u: tf.Tensor) => tf.sum(tf.mul(tf.square(reindex(u, index)), w)) as tf.Scalar;
    const g = tf.grad(f)(x).dataSync();
    const xs = x.dataSync();
    const h = 1e-2;
    for (const k of [0, 5, 17, 33, 63]) {
      const plus = xs.slice();
      const minus = xs.slice();
      plus[k] += h;
      minus[k] -= h;
      const fd = tf.tidy(() => (f(tf.tensor4d(plus, [2, 4, 4, 2])).dataSync()[0] - f(tf.tensor4d(minus, [2, 4, 4, 2])).dataSync()[0]) / (2 * h));
      expect(g[k]).toBeCloseTo(fd, 2);
    }
    tf.dispose([x, w]);
  });

  it('rejects a batch that is not [n, h, w, c]', () => {
    const x = tf.zeros([3, 4]);
    expect(() => augment(x, { pad: 1, flip: false }, new Rng(0))).toThrow(/batch \[n, h, w, c\]/);
    x.dispose();
  });
});
