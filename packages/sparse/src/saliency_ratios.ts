import { tf } from '@proj/core';
import { sizeOf, type PrunableLayer } from './layers.js';
import { allIndices, topK } from './top_k.js';

/** One batch for SNIP/GraSP: inputs and labels (int class ids `[n]` or one-hot `[n, classes]`). */
export interface ScoreBatch {
  x: tf.Tensor;
  y: tf.Tensor;
}

/** Loss of the model's output on the batch labels; the default is softmax cross-entropy with the output taken as logits. */
export type ScoreLoss = (output: tf.Tensor, y: tf.Tensor) => tf.Scalar;

export const crossEntropyLoss: ScoreLoss = (logits, y) =>
  tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const labels = y.rank === 1 ? tf.oneHot(tf.cast(y, 'int32'), classes) : y;
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  });

/** The model's output on the batch in training mode (dropout and batch statistics as in training). */
export function forward(model: tf.LayersModel, batch: ScoreBatch): tf.Tensor {
  return model.apply(batch.x, { training: true }) as tf.Tensor;
}

export function checkScoreArgs(model: tf.LayersModel, batch: ScoreBatch, density: number, fn: string): void {
  if (!model || typeof (model as { apply?: unknown }).apply !== 'function') throw new Error(`${fn}: model must be a tfjs LayersModel`);
  if (!(batch?.x instanceof tf.Tensor) || !(batch?.y instanceof tf.Tensor)) throw new Error(`${fn}: batch must be { x: Tensor, y: Tensor }`);
  if (batch.x.shape[0] !== batch.y.shape[0]) {
    throw new Error(`${fn}: batch.x has ${batch.x.shape[0]} examples, batch.y has ${batch.y.shape[0]}`);
  }
  if (!(typeof density === 'number' && density > 0 && density <= 1)) throw new Error(`${fn}: density must be a number in (0, 1], got ${density}`);
}

/**
 * Layer densities of the mask that keeps the `round(density * N)` highest
 * scores over all layers together (a global top-k, as SNIP and GraSP prune).
 */
export function topKDensities(layers: readonly PrunableLayer[], scores: Readonly<Record<string, Float32Array>>, density: number): Record<string, number> {
  const total = layers.reduce((s, l) => s + sizeOf(l.shape), 0);
  const all = new Float32Array(total);
  const offsets: number[] = [];
  let o = 0;
  for (const l of layers) {
    offsets.push(o);
    all.set(scores[l.name], o);
    o += sizeOf(l.shape);
  }
  const counts = new Array<number>(layers.length).fill(0);
  let layer = 0;
  // topK returns positions in increasing order, so one pass assigns them to layers.
  for (const i of topK(all, allIndices(total), Math.round(density * total))) {
    while (layer + 1 < layers.length && i >= offsets[layer + 1]) layer++;
    counts[layer]++;
  }
  return Object.fromEntries(layers.map((l, j) => [l.name, counts[j] / sizeOf(l.shape)]));
}
