/**
 * The stand-in for whole mammograms (MNIST-bags of Ilse et al. 2018, laid out
 * as images): each whole image is a rows x cols mosaic of tiles from a tile
 * dataset; it is positive ("lesion present") when it holds a tile of the
 * lesion class. Negatives hold no lesion tile; positives hold
 * `lesionsPerImage` of them at random places. Prevalence is exact:
 * round(count * prevalence) images are positive.
 */
import { labelsOf, toRng, type Dataset, type Rng } from '@proj/core';

export interface TiledImagesConfig {
  /** Number of whole images. */
  count: number;
  /** Tiles per side (4 gives 4x4 tiles: 112x112 images from 28x28 tiles). */
  grid: number;
  /** Class id of the "lesion" tiles. */
  lesionClass: number;
  /** Share of positive images, in [0, 1]. */
  prevalence: number;
  /** Lesion tiles in a positive image (default 1). */
  lesionsPerImage?: number;
}

export interface TiledImages {
  /** Row-major [count, grid*tile, grid*tile, channels]. */
  images: Float32Array;
  /** The shape of one whole image. */
  imageShape: [number, number, number];
  /** 1 when the image holds a lesion tile. */
  labels: Int32Array;
  /** [count, grid*grid]: 1 where a tile is a lesion (row-major tile order). */
  lesionTiles: Uint8Array;
  /** [count, grid*grid]: the tile dataset's class of every tile. */
  tileClasses: Int32Array;
  grid: number;
  tile: number;
}

export function makeTiledImages(tiles: Dataset, config: TiledImagesConfig, seed: number | Rng): TiledImages {
  const { count, grid, lesionClass, prevalence, lesionsPerImage = 1 } = config;
  const [tile, tileW, channels] = tiles.exampleShape;
  if (tiles.exampleShape.length !== 3 || tile !== tileW) {
    throw new Error(`makeTiledImages: tiles must be square images [t, t, c], got [${tiles.exampleShape.join(', ')}]`);
  }
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`makeTiledImages: count must be an integer >= 1, got ${count}`);
  if (!(Number.isInteger(grid) && grid >= 1)) throw new Error(`makeTiledImages: grid must be an integer >= 1, got ${grid}`);
  if (!(prevalence >= 0 && prevalence <= 1)) throw new Error(`makeTiledImages: prevalence must be in [0, 1], got ${prevalence}`);
  const k = grid * grid;
  if (!(Number.isInteger(lesionsPerImage) && lesionsPerImage >= 1 && lesionsPerImage <= k)) {
    throw new Error(`makeTiledImages: lesionsPerImage must be an integer in [1, ${k}], got ${lesionsPerImage}`);
  }
  const classes = labelsOf(tiles);
  const lesion: number[] = [];
  const normal: number[] = [];
  classes.forEach((c, i) => (c === lesionClass ? lesion : normal).push(i));
  const positives = Math.round(count * prevalence);
  if (positives > 0 && lesion.length === 0) throw new Error(`makeTiledImages: no tile of lesionClass ${lesionClass} in the tile dataset`);
  if (normal.length === 0) throw new Error(`makeTiledImages: every tile is of lesionClass ${lesionClass}; negatives need other classes`);
  const rng = toRng(seed);
  const labels = new Int32Array(count);
  labels.fill(1, 0, positives);
  rng.shuffle(labels);
  const side = grid * tile;
  const tileSize = tile * tile * channels;
  const images = new Float32Array(count * side * side * channels);
  const lesionTiles = new Uint8Array(count * k);
  const tileClasses = new Int32Array(count * k);
  for (let n = 0; n < count; n++) {
    const places = new Set<number>();
    if (labels[n] === 1) {
      const perm = rng.permutation(k);
      for (let i = 0; i < lesionsPerImage; i++) places.add(perm[i]);
    }
    const picks = Array.from({ length: k }, (_, p) => (places.has(p) ? lesion[rng.int(lesion.length)] : normal[rng.int(normal.length)]));
    const { x } = tiles.take(picks);
    for (let p = 0; p < k; p++) {
      lesionTiles[n * k + p] = places.has(p) ? 1 : 0;
      tileClasses[n * k + p] = classes[picks[p]];
      const r0 = Math.floor(p / grid) * tile;
      const c0 = (p % grid) * tile;
      for (let y = 0; y < tile; y++) {
        const dst = ((n * side + r0 + y) * side + c0) * channels;
        images.set(x.subarray(p * tileSize + y * tile * channels, p * tileSize + (y + 1) * tile * channels), dst);
      }
    }
  }
  return { images, imageShape: [side, side, channels], labels, lesionTiles, tileClasses, grid, tile };
}
