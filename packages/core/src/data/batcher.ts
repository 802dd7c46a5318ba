/**
 * Mini-batches of a dataset, reshuffled every epoch from a seed.
 *
 * With a numeric seed the order of epoch e is a pure function of (seed, e):
 * a run resumed at epoch 7 sees the same batches as an uninterrupted one.
 * With an Rng each call draws the next order from that stream instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.js';
import type { Dataset } from './dataset.js';

export interface Batch {
  /** Row-major inputs of shape `shape`. */
  x: Float32Array;
  /** Class ids, length `size`. */
  y: Int32Array;
  /** Number of examples in this batch (the last one may be short unless dropLast). */
  size: number;
  /** [size, ...exampleShape]. */
  shape: number[];
  /** Copied from the dataset, for one-hot encoding. */
  numClasses: number;
  /** Dataset indices of the examples, e.g. to look up per-example state. */
  indices: Int32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Order of epoch e = f(seed, epoch). Needed when shuffling unless `rng` is given. */
  seed?: number;
  /** Alternative to `seed`: each `batches` call draws its order from this stream. */
  rng?: Rng;
  /** Epoch number for a numeric seed (default 0). */
  epoch?: number;
  /** Default true; false keeps the dataset order. */
  shuffle?: boolean;
  /** Default false; true skips a short last batch (so every batch has batchSize examples). */
  dropLast?: boolean;
}

/** One epoch of batches; iterating again yields the same batches. */
export interface EpochBatches extends Iterable<Batch> {
  readonly numBatches: number;
  /** The dataset indices in visiting order (all of them, even the ones dropLast skips). */
  readonly order: Int32Array;
}

/** Batches per epoch for `size` examples. */
export function numBatches(size: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(size / batchSize) : Math.ceil(size / batchSize);
}

/** Visiting order of epoch `epoch` for a numeric seed: the (epoch+1)-th split of Rng(seed). */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epochOrder: epoch must be an integer >= 0, got ${epoch}`);
  const root = new Rng(seed);
  // Splits rather than seed + epoch, so that (seed 1, epoch 0) and (seed 0, epoch 1) differ.
  let rng = root.split();
  for (let e = 0; e < epoch; e++) rng = root.split();
  return rng.permutation(n);
}

function checkOptions(opts: BatchOptions): void {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
    throw new Error(`batches: batchSize must be an integer >= 1, got ${opts.batchSize}`);
  }
  const shuffle = opts.shuffle ?? true;
  if (opts.seed !== undefined && opts.rng !== undefined) throw new Error('batches: give either seed or rng, not both');
  if (shuffle && opts.seed === undefined && opts.rng === undefined) {
    throw new Error('batches: shuffling needs a seed or an rng (or pass shuffle: false)');
  }
  if (opts.rng !== undefined && opts.epoch !== undefined) {
    throw new Error('batches: epoch applies to a numeric seed; with an rng each call already draws a new order');
  }
}

/**
 * The batches of one epoch, e.g.
 * `for (const b of batches(train, { batchSize: 64, seed, epoch })) { ... }`.
 */
export function batches(ds: Dataset, opts: BatchOptions): EpochBatches {
  checkOptions(opts);
  const { batchSize } = opts;
  const dropLast = opts.dropLast ?? false;
  let order: Int32Array;
  if (!(opts.shuffle ?? true)) {
    order = new Int32Array(ds.size);
    for (let i = 0; i < ds.size; i++) order[i] = i;
  } else if (opts.rng !== undefined) {
    order = opts.rng.split().permutation(ds.size);
  } else {
    order = epochOrder(ds.size, opts.seed!, opts.epoch ?? 0);
  }
  const count = numBatches(ds.size, batchSize, dropLast);
  return {
    numBatches: count,
    order,
    *[Symbol.iterator]() {
      for (let b = 0; b < count; b++) {
        const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, order.length));
        const { x, y } = ds.take(indices);
        yield { x, y, size: indices.length, shape: [indices.length, ...ds.exampleShape], numClasses: ds.numClasses, indices };
      }
    },
  };
}

export interface ToTensorsOptions {
  /** y as float32 one-hot [size, numClasses] instead of int32 [size] (default false). */
  oneHot?: boolean;
}

/** The batch as tensors `x` [size, ...exampleShape] float32 and `y`; the caller disposes both. */
export function toTensors(batch: Batch, options: ToTensorsOptions = {}): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tensor(batch.x, batch.shape, 'float32');
  const y = options.oneHot
    ? tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(batch.y, 'int32'), batch.numClasses), 'float32'))
    : tf.tensor1d(batch.y, 'int32');
  return { x, y };
}
