import { Rng, initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  brightness,
  compose,
  contrast,
  cutout,
  gamma,
  gaussianBlur,
  gaussianKernel,
  gaussianNoise,
  horizontalFlip,
  mammogramPreset,
  randomResizedCrop,
  rotate90,
  simclrPreset,
  smallRotation,
  verticalFlip,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

/** A batch of 3 distinct 6x6 gray images with values in (0, 1). */
function batch(): tf.Tensor4D {
  const v = new Float32Array(3 * 36).map((_, i) => ((i * 37) % 101) / 101 + 0.004);
  return tf.tensor4d(v, [3, 6, 6, 1]);
}

function close(a: tf.Tensor, b: tf.Tensor, digits = 5): void {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(y[i], digits);
}

describe('geometric augmentations', () => {
  it('flip exactly with p = 1 and leave images alone with p = 0', () => {
    const x = batch();
    close(horizontalFlip(1)(x, new Rng(0)), tf.reverse(x, 2));
    close(verticalFlip(1)(x, new Rng(0)), tf.reverse(x, 1));
    close(horizontalFlip(0)(x, new Rng(0)), x);
  });

  it('rotate by multiples of 90 degrees without resampling loss', () => {
    const x = batch();
    const y = rotate90()(x, new Rng(3));
    const ys = y.arraySync() as number[][][][];
    const xs = x.arraySync() as number[][][][];
    for (let i = 0; i < 3; i++) {
      const candidates = [0, 1, 2, 3].map((k) => {
        let r = tf.tensor3d(xs[i]);
        for (let t = 0; t < k; t++) r = tf.reverse(tf.transpose(r, [1, 0, 2]), 0);
        return r.arraySync() as number[][][];
      });
      const match = candidates.some((c) => c.every((row, a) => row.every((px, b) => Math.abs(px[0] - ys[i][a][b][0]) < 1e-5)));
      expect(match).toBe(true);
    }
  });

  it('a full-size crop and a zero-degree rotation are the identity', () => {
    const x = batch();
    close(randomResizedCrop({ scale: [1, 1], ratio: [1, 1] })(x, new Rng(0)), x);
    close(smallRotation(0)(x, new Rng(0)), x);
  });

  it('a half-area crop magnifies: a centred bright square grows', () => {
    const img = new Float32Array(64 * 64);
    for (let y = 28; y < 36; y++) for (let x = 28; x < 36; x++) img[y * 64 + x] = 1;
    const x = tf.tensor4d(img, [1, 64, 64, 1]);
    const y = randomResizedCrop({ scale: [0.25, 0.25], ratio: [1, 1] })(x, new Rng(1));
    // A quarter-area crop is 2x magnification: the square's area grows about 4x unless cut off.
    expect(tf.sum(y).dataSync()[0]).toBeGreaterThan(64);
  });
});

describe('intensity augmentations, blur, noise, cutout', () => {
  it('gamma with g fixed to 2 squares every pixel', () => {
    const x = batch();
    close(gamma([2, 2], 1)(x, new Rng(0)), tf.square(x), 4);
  });

  it('brightness shifts and contrast scales each image by one random amount, within [0, 1]', () => {
    const x = tf.fill([2, 4, 4, 1], 0.5) as tf.Tensor4D;
    const b = brightness(0.3, 1)(x, new Rng(2)).arraySync() as number[][][][];
    for (const img of b) {
      expect(img.flat(2).every((v) => v === img[0][0][0])).toBe(true);
      expect(Math.abs(img[0][0][0] - 0.5)).toBeLessThanOrEqual(0.3);
    }
    // Values in [0.4, 0.6] never clip at factors <= 1.5, so each image's mean is kept and its spread changes.
    const y = tf.add(tf.mul(batch(), 0.2), 0.4) as tf.Tensor4D;
    const c = contrast(0.5, 1)(y, new Rng(2));
    close(tf.mean(c, [1, 2, 3]), tf.mean(y, [1, 2, 3]), 5);
    const spread = (t: tf.Tensor) => tf.moments(t, [1, 2, 3]).variance.dataSync();
    const ratio = Array.from(spread(c), (v, i) => Math.sqrt(v / spread(y)[i]));
    for (const r of ratio) expect(r).toBeGreaterThanOrEqual(0.5 - 1e-4);
    for (const r of ratio) expect(r).toBeLessThanOrEqual(1.5 + 1e-4);
    expect(new Set(ratio.map((r) => r.toFixed(3))).size).toBe(3);
  });

  it('Gaussian taps are normalized, symmetric, and an identity at sigma 0', () => {
    const k = gaussianKernel(1, 2);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[0]).toBeCloseTo(k[4], 7);
    expect(k[1] / k[2]).toBeCloseTo(Math.exp(-0.5), 5);
    expect(Array.from(gaussianKernel(0, 2))).toEqual([0, 0, 1, 0, 0]);
  });

  it('blurs an impulse into the outer product of the taps and keeps its mass', () => {
    const img = new Float32Array(9 * 9);
    img[4 * 9 + 4] = 1;
    const x = tf.tensor4d(img, [1, 9, 9, 1]);
    const y = gaussianBlur({ sigma: [1, 1], p: 1, radius: 2 })(x, new Rng(0)).arraySync() as number[][][][];
    const k = gaussianKernel(1, 2);
    for (let a = -2; a <= 2; a++) for (let b = -2; b <= 2; b++) expect(y[0][4 + a][4 + b][0]).toBeCloseTo(k[a + 2] * k[b + 2], 6);
    expect(y[0].flat(2).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
  });

  it('cutout zeroes one square of side size x image side', () => {
    const x = tf.ones([1, 20, 20, 1]) as tf.Tensor4D;
    let zeros = 0;
    // The square may be clipped at the border; over seeds a full 5x5 one appears.
    for (let seed = 0; seed < 10; seed++) {
      const y = cutout(0.25, 1)(x, new Rng(seed));
      zeros = Math.max(zeros, 400 - tf.sum(y).dataSync()[0]);
    }
    expect(zeros).toBe(25);
  });

  it('noise with std 0 is the identity and otherwise changes the image', () => {
    const x = batch();
    close(gaussianNoise([0, 0], 1)(x, new Rng(0)), x);
    expect(tf.sum(tf.abs(tf.sub(gaussianNoise([0.1, 0.1], 1)(x, new Rng(0)), x))).dataSync()[0]).toBeGreaterThan(0.5);
  });
});

describe('presets', () => {
  it('are seeded (same seed, same views), keep shape and range, and free their intermediates', () => {
    const x = batch();
    for (const preset of [simclrPreset(), mammogramPreset()]) {
      const a = preset(x, new Rng(9));
      const b = preset(x, new Rng(9));
      const c = preset(x, new Rng(10));
      close(a, b, 6);
      expect(tf.sum(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(0);
      expect(a.shape).toEqual(x.shape);
      expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
      expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
      tf.dispose([a, b, c]);
      const before = tf.memory().numTensors;
      preset(x, new Rng(1)).dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('compose applies steps in order', () => {
    const x = batch();
    close(compose(horizontalFlip(1), verticalFlip(1))(x, new Rng(0)), tf.reverse(x, [1, 2]));
  });

  it('reject bad arguments with the argument named', () => {
    expect(() => horizontalFlip(2)).toThrow(/horizontalFlip: probability must be in \[0, 1\]/);
    expect(() => randomResizedCrop({ scale: [0.5, 0.2] })).toThrow(/scale/);
    expect(() => cutout(0)).toThrow(/size must be in \(0, 1\]/);
    expect(() => rotate90()(tf.zeros([1, 4, 5, 1]) as tf.Tensor4D, new Rng(0))).toThrow(/square/);
    expect(() => gamma()(tf.zeros([4, 5, 1]) as unknown as tf.Tensor4D, new Rng(0))).toThrow(/\[n, height, width, channels\]/);
  });
});
