/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017): 70,000 28x28 grey images of
 * 10 clothing classes, 60,000 train and 10,000 test, as installed by the
 * Debian package `dataset-fashion-mnist` (IDX files, gzipped).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArrayDataset } from './dataset.js';
import { type IdxArray, readIdxFile } from './idx.js';

/** Where Debian's `dataset-fashion-mnist` puts the files. */
export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** Class names in label order, from the dataset's README. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

export interface FashionMnistOptions {
  /** Default: $FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist. */
  dir?: string;
  /** 'train' (60,000 images) or 'test' (10,000). */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples (for quick runs). */
  limit?: number;
}

/** File stems of each split, as published (the `.gz` form is tried first). */
const FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
} as const;

function findFile(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(
    `loadFashionMnist: ${join(dir, stem)}.gz not found. Install the data with ` +
      '`apt-get install -y dataset-fashion-mnist`, or set FASHION_MNIST_DIR (or options.dir) ' +
      'to a directory holding the Fashion-MNIST IDX files.',
  );
}

function expectUint8(array: IdxArray, path: string, shape: (number | null)[]): void {
  const ok =
    array.dtype === 'uint8' &&
    array.shape.length === shape.length &&
    shape.every((d, i) => d === null || array.shape[i] === d);
  if (!ok) {
    const want = shape.map((d) => d ?? 'n').join(', ');
    throw new Error(`loadFashionMnist: ${path} holds ${array.dtype} [${array.shape.join(', ')}], expected uint8 [${want}]`);
  }
}

/** Loads one split as an ArrayDataset: x in [0, 1] of shape [28, 28, 1], 10 classes. */
export function loadFashionMnist(options: FashionMnistOptions): ArrayDataset {
  // An empty FASHION_MNIST_DIR counts as unset.
  const dir = options.dir ?? (process.env.FASHION_MNIST_DIR || FASHION_MNIST_DEFAULT_DIR);
  const files = FILES[options.split];
  if (files === undefined) {
    throw new Error(`loadFashionMnist: split must be 'train' or 'test', got ${JSON.stringify(options.split)}`);
  }
  const imagePath = findFile(dir, files.images);
  const labelPath = findFile(dir, files.labels);
  const images = readIdxFile(imagePath);
  const labels = readIdxFile(labelPath);
  expectUint8(images, imagePath, [null, 28, 28]);
  expectUint8(labels, labelPath, [null]);
  if (images.shape[0] !== labels.shape[0]) {
    throw new Error(`loadFashionMnist: ${imagePath} has ${images.shape[0]} images but ${labelPath} has ${labels.shape[0]} labels`);
  }
  let n = images.shape[0];
  if (options.limit !== undefined) {
    if (!Number.isInteger(options.limit) || options.limit < 0) {
      throw new Error(`loadFashionMnist: limit must be an integer >= 0, got ${options.limit}`);
    }
    n = Math.min(n, options.limit);
  }
  const pixels = 28 * 28;
  const x = new Float32Array(n * pixels);
  const raw = images.data;
  for (let i = 0; i < x.length; i++) x[i] = raw[i] / 255;
  return new ArrayDataset(x, labels.data.subarray(0, n), [28, 28, 1], 10);
}
