import { tf, modelVariables } from '@proj/core';
import { prunableLayers } from './layers.js';
import { checkScoreArgs, crossEntropyLoss, forward, topKDensities, type ScoreBatch, type ScoreLoss } from './saliency_ratios.js';

/**
 * SNIP-ratio (Lee et al. 2019, used as a layer-wise ratio in arXiv:2202.02643):
 * the connection sensitivity |g * w| of every prunable weight on one batch,
 * a global top-k at `density`, and the resulting per-layer densities. Only the
 * ratios are returned; the paper then draws masks at random at these ratios
 * (`randomMasks`).
 */
export function snipDensities(
  model: tf.LayersModel,
  batch: ScoreBatch,
  density: number,
  opts: { loss?: ScoreLoss } = {},
): Record<string, number> {
  checkScoreArgs(model, batch, density, 'snipDensities');
  const layers = prunableLayers(model);
  if (layers.length === 0) throw new Error('snipDensities: the model has no prunable (conv or dense) kernels');
  const vars = modelVariables(model);
  const loss = opts.loss ?? crossEntropyLoss;
  const scores: Record<string, Float32Array> = {};
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => loss(forward(model, batch), batch.y), layers.map((l) => vars[l.name]));
    for (const l of layers) scores[l.name] = tf.abs(tf.mul(grads[l.name], vars[l.name])).dataSync() as Float32Array;
  });
  return topKDensities(layers, scores, density);
}
