/**
 * Tile-to-whole-image conversion: a patch encoder trained on tiles of
 * `tile x tile` pixels gives a grid [n, rows, cols, dim] of tile embeddings
 * for whole images [n, rows*tile, cols*tile, c], either
 *  - tile by tile: the image is cut into its tiles and each is encoded alone
 *    (exactly the patch model on every tile), or
 *  - fully convolutionally: the encoder's convolutions run once over the whole
 *    image and its feature map is averaged over each tile's cells (Shen et al.
 *    2019's conversion; neighbouring tiles leak into the border cells, and one
 *    pass replaces rows*cols).
 */
import { tf } from '@proj/core';
import type { ConvEncoder } from './encoder.js';

function gridShape(images: tf.Tensor, tile: number, what: string): [number, number, number, number] {
  if (images.rank !== 4) throw new Error(`${what}: images must be [n, height, width, channels], got [${images.shape.join(', ')}]`);
  const [n, h, w, c] = images.shape;
  if (!(Number.isInteger(tile) && tile >= 1) || h % tile !== 0 || w % tile !== 0) {
    throw new Error(`${what}: image size ${h}x${w} must be a multiple of the tile size ${tile}`);
  }
  return [n, h / tile, w / tile, c];
}

/** Cuts images into tiles: [n, rows*tile, cols*tile, c] -> [n*rows*cols, tile, tile, c], row-major per image. */
export function toTiles(images: tf.Tensor4D, tile: number): tf.Tensor4D {
  const [n, rows, cols, c] = gridShape(images, tile, 'toTiles');
  return tf.tidy(() =>
    tf.reshape(tf.transpose(tf.reshape(images, [n, rows, tile, cols, tile, c]), [0, 1, 3, 2, 4, 5]), [n * rows * cols, tile, tile, c]),
  );
}

/** Tile embeddings [n, rows, cols, dim], encoding each tile alone. */
export function tileByTile(encoder: ConvEncoder, images: tf.Tensor4D, tile: number): tf.Tensor4D {
  const [n, rows, cols] = gridShape(images, tile, 'tileByTile');
  return tf.tidy(() => tf.reshape(encoder.apply(toTiles(images, tile)), [n, rows, cols, encoder.dim]));
}

/** Tile embeddings [n, rows, cols, dim] from one convolutional pass over the whole images. */
export function fullyConvolutional(encoder: ConvEncoder, images: tf.Tensor4D, tile: number): tf.Tensor4D {
  gridShape(images, tile, 'fullyConvolutional');
  if (tile % encoder.stride !== 0) {
    throw new Error(`fullyConvolutional: tile size ${tile} must be a multiple of the encoder's stride ${encoder.stride}`);
  }
  const cells = tile / encoder.stride;
  return tf.tidy(() => tf.avgPool(encoder.featureMap(images), cells, cells, 'valid'));
}
