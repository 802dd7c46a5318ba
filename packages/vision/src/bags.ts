/**
 * Whole images -> MIL bags: the tile-by-tile embeddings of every image,
 * computed in batches without gradients, as `Bags` for `trainMilOnBags`.
 */
import { tf } from '@proj/core';
import type { ConvEncoder } from './encoder.js';
import { tileByTile } from './tile_grid.js';
import type { Bags } from './train_mil.js';

export interface WholeImages {
  /** Row-major [n, height, width, channels]. */
  images: Float32Array;
  imageShape: readonly number[];
  /** 0/1 per image. */
  labels: Int32Array;
  /** Tile side in pixels (height and width must be multiples). */
  tile: number;
}

export function imageBags(encoder: ConvEncoder, data: WholeImages, batchSize = 16): Bags {
  const [h, w, c] = data.imageShape;
  const stride = h * w * c;
  const n = data.labels.length;
  if (data.images.length !== n * stride) throw new Error(`imageBags: images has ${data.images.length} values, expected ${n} x ${h} x ${w} x ${c}`);
  const k = (h / data.tile) * (w / data.tile);
  const x = new Float32Array(n * k * encoder.dim);
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const grid = tf.tidy(() => tileByTile(encoder, tf.tensor4d(data.images.subarray(s * stride, (s + m) * stride), [m, h, w, c]), data.tile));
    x.set(grid.dataSync(), s * k * encoder.dim);
    grid.dispose();
  }
  return { x, labels: data.labels, tiles: k, dim: encoder.dim };
}
