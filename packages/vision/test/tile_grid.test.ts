import { Rng, initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { convEncoder, dense, fullyConvolutional, imageBags, maxPooling, tileByTile, toTiles } from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

const encoderConfig = { channels: 1, filters: [4, 6], strides: [2, 2] };

describe('tile-to-whole-image conversion', () => {
  it('cuts images into row-major tiles', () => {
    // 1 image 4x4 = 2x2 tiles of 2x2; pixel value = its index.
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const tiles = toTiles(x, 2).arraySync() as number[][][][];
    expect(tiles.map((t) => t.flat(2))).toEqual([[0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]);
  });

  it('gives the patch model score on a one-tile image, tile by tile and fully convolutionally', () => {
    const rng = new Rng(4);
    const encoder = convEncoder(encoderConfig, rng);
    const head = dense(encoder.dim, 1, rng);
    const tile = tf.tensor4d(new Rng(5).uniformArray(8 * 8), [1, 8, 8, 1]);
    const patchScore = head.apply(encoder.apply(tile)).dataSync()[0];
    for (const grid of [tileByTile(encoder, tile, 8), fullyConvolutional(encoder, tile, 8)]) {
      expect(grid.shape).toEqual([1, 1, 1, encoder.dim]);
      const bags = tf.reshape(grid, [1, 1, encoder.dim]) as tf.Tensor3D;
      const score = head.apply(maxPooling().pool(bags).z).dataSync()[0];
      expect(score).toBeCloseTo(patchScore, 5);
    }
  });

  it('tile by tile equals the patch model on every tile of a whole image', () => {
    const encoder = convEncoder(encoderConfig, new Rng(1));
    const image = tf.tensor4d(new Rng(2).uniformArray(2 * 16 * 24), [2, 16, 24, 1]);
    const grid = tileByTile(encoder, image, 8);
    expect(grid.shape).toEqual([2, 2, 3, encoder.dim]);
    const one = encoder.apply(tf.slice(image, [1, 8, 16, 0], [1, 8, 8, 1]));
    const cell = tf.slice(grid, [1, 1, 2, 0], [1, 1, 1, encoder.dim]);
    const a = one.dataSync();
    const b = cell.dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
    // Fully convolutional gives the same grid shape (values differ only by the tiles' borders).
    expect(fullyConvolutional(encoder, image, 8).shape).toEqual([2, 2, 3, encoder.dim]);
  });

  it('imageBags holds the tile-by-tile grid of each image, in batches', () => {
    const encoder = convEncoder(encoderConfig, new Rng(1));
    const images = new Rng(3).uniformArray(5 * 16 * 16);
    const bags = imageBags(encoder, { images, imageShape: [16, 16, 1], labels: Int32Array.from([0, 1, 0, 1, 1]), tile: 8 }, 2);
    expect([bags.tiles, bags.dim]).toEqual([4, encoder.dim]);
    const grid = tileByTile(encoder, tf.tensor4d(images, [5, 16, 16, 1]), 8).dataSync();
    expect(bags.x.length).toBe(grid.length);
    for (let i = 0; i < grid.length; i++) expect(bags.x[i]).toBeCloseTo(grid[i], 5);
  });

  it('rejects images that are not a whole number of tiles', () => {
    const encoder = convEncoder(encoderConfig, new Rng(1));
    expect(() => tileByTile(encoder, tf.zeros([1, 10, 8, 1]) as tf.Tensor4D, 8)).toThrow(/multiple of the tile size 8/);
    expect(() => fullyConvolutional(encoder, tf.zeros([1, 12, 12, 1]) as tf.Tensor4D, 6)).toThrow(/stride 4/);
  });
});
