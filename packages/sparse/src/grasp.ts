import { tf, modelVariables } from '@proj/core';
import { prunableLayers } from './layers.js';
import { checkScoreArgs, crossEntropyLoss, forward, topKDensities, type ScoreBatch, type ScoreLoss } from './saliency_ratios.js';

export interface GraspOptions {
  loss?: ScoreLoss;
  /** Softmax temperature of the GraSP loss (Wang et al. 2020 code: T = 200). */
  temperature?: number;
  /** Relative size of the finite-difference step for H g (perturbation norm over weight norm). */
  relativeStep?: number;
}

/**
 * H g for the loss at `vars` by central differences of two gradients:
 * (grad L(w + r g) - grad L(w - r g)) / (2 r). Exact for quadratic losses; it
 * needs first-order gradients only, which every tfjs kernel (ours included)
 * defines, where nested autodiff would need gradients of gradient kernels.
 */
export function hessianGradientProduct(
  loss: () => tf.Scalar,
  vars: tf.Variable[],
  g: Readonly<Record<string, tf.Tensor>>,
  relativeStep = 1e-3,
): Record<string, tf.Tensor> {
  return tf.tidy(() => {
    const norm = (ts: tf.Tensor[]) => Math.sqrt(ts.reduce((s, t) => s + (tf.sum(tf.square(t)).dataSync()[0] as number), 0));
    const gNorm = norm(vars.map((v) => g[v.name]));
    if (gNorm === 0) return Object.fromEntries(vars.map((v) => [v.name, tf.zerosLike(v)]));
    const r = (relativeStep * Math.max(norm(vars), 1e-8)) / gNorm;
    const original = vars.map((v) => tf.clone(v));
    const gradAt = (sign: number) => {
      vars.forEach((v, i) => v.assign(tf.add(original[i], tf.mul(g[v.name], sign * r))));
      return tf.variableGrads(loss, vars).grads;
    };
    try {
      const plus = gradAt(1);
      const minus = gradAt(-1);
      return Object.fromEntries(vars.map((v) => [v.name, tf.div(tf.sub(plus[v.name], minus[v.name]), 2 * r)]));
    } finally {
      vars.forEach((v, i) => v.assign(original[i]));
    }
  });
}

/**
 * GraSP-ratio (Wang et al. 2020, used as a layer-wise ratio in
 * arXiv:2202.02643): score -w * (H g) per weight, where g is the gradient of the
 * temperature-scaled loss; GraSP removes the highest scores, so the kept set is
 * the top-k of w * (H g). Returns the per-layer densities of that mask; masks
 * are then drawn at random at these ratios (`randomMasks`).
 */
export function graspDensities(
  model: tf.LayersModel,
  batch: ScoreBatch,
  density: number,
  opts: GraspOptions = {},
): Record<string, number> {
  checkScoreArgs(model, batch, density, 'graspDensities');
  const temperature = opts.temperature ?? 200;
  if (!(temperature > 0)) throw new Error(`graspDensities: temperature must be > 0, got ${temperature}`);
  const layers = prunableLayers(model);
  if (layers.length === 0) throw new Error('graspDensities: the model has no prunable (conv or dense) kernels');
  const all = modelVariables(model);
  const vars = layers.map((l) => all[l.name]);
  const base = opts.loss ?? crossEntropyLoss;
  const loss = () => base(tf.div(forward(model, batch), temperature), batch.y);
  const scores: Record<string, Float32Array> = {};
  tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, vars);
    const hg = hessianGradientProduct(loss, vars, grads, opts.relativeStep);
    for (const l of layers) scores[l.name] = tf.mul(all[l.name], hg[l.name]).dataSync() as Float32Array;
  });
  return topKDensities(layers, scores, density);
}
