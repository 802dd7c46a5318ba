/**
 * Training a whole-image model: on cached tile embeddings with the encoder
 * frozen (cheap: no convolution per step), or end to end with the encoder
 * fine-tuned at a smaller learning rate, the order of Shen et al. 2019
 * ("top first, then all layers at a small learning-rate multiplier").
 */
import { adam, tf, toRng, type Rng } from '@proj/core';
import type { ConvEncoder } from './encoder.js';
import { toTiles } from './tile_grid.js';
import { binaryCrossEntropy, type WholeImageModel } from './whole_image_model.js';

export interface MilTrainConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/** Our defaults (Ilse et al. train with Adam, lr 5e-4, batch 1, for 200 epochs; we use minibatches and fewer epochs). */
export const MIL_TRAIN_DEFAULTS: MilTrainConfig = { epochs: 40, batchSize: 32, learningRate: 2e-3 };

export interface Bags {
  /** Row-major [n, tiles, dim]. */
  x: Float32Array;
  /** 0/1 per bag. */
  labels: Int32Array;
  tiles: number;
  dim: number;
}

function checkLabels(labels: Int32Array, n: number, what: string): void {
  if (labels.length !== n) throw new Error(`${what}: ${labels.length} labels for ${n} images`);
  for (const l of labels) if (l !== 0 && l !== 1) throw new Error(`${what}: labels must be 0 or 1, got ${l}`);
}

function take(x: Float32Array, stride: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * stride);
  idx.forEach((k, i) => out.set(x.subarray(k * stride, (k + 1) * stride), i * stride));
  return out;
}

/**
 * `epochs` passes over n examples in seeded minibatches; `step` trains on one
 * batch of indices and returns its mean loss. Returns the mean loss per epoch.
 */
function runEpochs(n: number, cfg: MilTrainConfig, rng: Rng, step: (idx: Int32Array) => tf.Scalar): number[] {
  const losses: number[] = [];
  for (let e = 0; e < cfg.epochs; e++) {
    const order = rng.permutation(n);
    let sum = 0;
    for (let s = 0; s < n; s += cfg.batchSize) {
      const idx = order.subarray(s, Math.min(n, s + cfg.batchSize));
      const loss = tf.tidy(() => step(idx));
      sum += loss.dataSync()[0] * idx.length;
      loss.dispose();
    }
    losses.push(sum / n);
  }
  return losses;
}

/** Trains `model` on frozen embeddings; returns the mean loss of each epoch. */
export function trainMilOnBags(model: WholeImageModel, bags: Bags, config: Partial<MilTrainConfig>, seed: number | Rng): number[] {
  const cfg = { ...MIL_TRAIN_DEFAULTS, ...config };
  const { tiles, dim } = bags;
  const n = bags.labels.length;
  if (bags.x.length !== n * tiles * dim) throw new Error(`trainMilOnBags: x has ${bags.x.length} values, expected ${n} x ${tiles} x ${dim}`);
  checkLabels(bags.labels, n, 'trainMilOnBags');
  const rng = toRng(seed);
  const optimizer = adam(cfg.learningRate);
  try {
    return runEpochs(n, cfg, rng, (idx) => {
      const x = tf.tensor3d(take(bags.x, tiles * dim, idx), [idx.length, tiles, dim]);
      const y = tf.tensor1d(Float32Array.from(idx, (k) => bags.labels[k]));
      const { value, grads } = tf.variableGrads(() => binaryCrossEntropy(model.predict(x).logits, y), model.variables);
      optimizer.applyGradients(grads);
      return value;
    });
  } finally {
    optimizer.dispose();
  }
}

export interface FineTuneConfig extends MilTrainConfig {
  /** Encoder learning rate = learningRate x this (Shen et al. 2019 fine-tune all layers at a small multiplier). */
  encoderLrMultiplier: number;
}

export const FINE_TUNE_DEFAULTS: FineTuneConfig = { epochs: 2, batchSize: 8, learningRate: 1e-3, encoderLrMultiplier: 0.1 };

/**
 * Trains encoder and whole-image model end to end on images
 * [n, rows*tile, cols*tile, c] (tile-by-tile conversion); updates both in
 * place and returns the mean loss of each epoch.
 */
export function fineTuneWholeImage(
  encoder: ConvEncoder,
  model: WholeImageModel,
  data: { images: Float32Array; imageShape: readonly number[]; labels: Int32Array; tile: number },
  config: Partial<FineTuneConfig>,
  seed: number | Rng,
): number[] {
  const cfg = { ...FINE_TUNE_DEFAULTS, ...config };
  const [h, w, c] = data.imageShape;
  const stride = h * w * c;
  const n = data.labels.length;
  if (data.images.length !== n * stride) throw new Error(`fineTuneWholeImage: images has ${data.images.length} values, expected ${n} x ${h} x ${w} x ${c}`);
  checkLabels(data.labels, n, 'fineTuneWholeImage');
  const rng = toRng(seed);
  const top = adam(cfg.learningRate);
  const body = adam(cfg.learningRate * cfg.encoderLrMultiplier);
  const topNames = new Set(model.variables.map((v) => v.name));
  try {
    return runEpochs(n, cfg, rng, (idx) => {
      const x = tf.tensor4d(take(data.images, stride, idx), [idx.length, h, w, c]);
      const y = tf.tensor1d(Float32Array.from(idx, (k) => data.labels[k]));
      const { value, grads } = tf.variableGrads(() => {
        const emb = encoder.apply(toTiles(x, data.tile));
        const bags = tf.reshape(emb, [idx.length, -1, encoder.dim]) as tf.Tensor3D;
        return binaryCrossEntropy(model.predict(bags).logits, y);
      }, [...encoder.variables, ...model.variables]);
      const topGrads: tf.NamedTensorMap = {};
      const bodyGrads: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(grads)) (topNames.has(name) ? topGrads : bodyGrads)[name] = g;
      top.applyGradients(topGrads);
      body.applyGradients(bodyGrads);
      return value;
    });
  } finally {
    top.dispose();
    body.dispose();
  }
}

/** Whole-image logits and (for attention pooling) tile weights [n, tiles] of cached bags. */
export function predictBags(model: WholeImageModel, bags: Bags, batchSize = 256): { scores: Float32Array; attention?: Float32Array } {
  const n = bags.x.length / (bags.tiles * bags.dim);
  const scores = new Float32Array(n);
  const attention = model.pooling.variables.length > 0 ? new Float32Array(n * bags.tiles) : undefined;
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const [logits, att] = tf.tidy(() => {
      const x = tf.tensor3d(bags.x.subarray(s * bags.tiles * bags.dim, (s + m) * bags.tiles * bags.dim), [m, bags.tiles, bags.dim]);
      const out = model.predict(x);
      return [out.logits, out.attention] as const;
    });
    scores.set(logits.dataSync(), s);
    if (att && attention) attention.set(att.dataSync(), s * bags.tiles);
    tf.dispose([logits, att].filter((t) => t !== undefined));
  }
  return { scores, attention };
}
