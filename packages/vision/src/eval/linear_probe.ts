/**
 * Linear probe: a softmax classifier on frozen, standardized embeddings,
 * trained full-batch with Adam; its test accuracy measures how linearly
 * separable the classes are in the representation (the standard SSL
 * protocol, e.g. SimCLR section 4).
 */
import { adam, tf } from '@proj/core';
import { toVariable } from '../layers.js';

export interface LinearProbeConfig {
  /** Full-batch Adam steps. */
  steps: number;
  learningRate: number;
  /** L2 penalty on the weights. */
  l2: number;
}

export const LINEAR_PROBE_DEFAULTS: LinearProbeConfig = { steps: 300, learningRate: 0.05, l2: 1e-4 };

export interface FeatureSet {
  /** Row-major [n, dim]. */
  x: Float32Array;
  /** Class ids [n]. */
  y: Int32Array;
}

function checkFeatures(set: FeatureSet, dim: number, numClasses: number, what: string): void {
  if (set.x.length !== set.y.length * dim) throw new Error(`${what}: x has ${set.x.length} values, expected ${set.y.length} x ${dim}`);
  for (const c of set.y) if (!(c >= 0 && c < numClasses)) throw new Error(`${what}: label ${c} is not in [0, ${numClasses})`);
}

/** Per-feature mean and std of `x` [n, dim] (std floored so constant features stay finite). */
export function featureStats(x: Float32Array, dim: number): { mean: Float32Array; std: Float32Array } {
  const n = x.length / dim;
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) std[j] += (x[i * dim + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < dim; j++) std[j] = Math.sqrt(std[j]) + 1e-6;
  return { mean, std };
}

/** Test accuracy of a linear classifier trained on `train`. */
export function linearProbe(train: FeatureSet, test: FeatureSet, dim: number, numClasses: number, config: Partial<LinearProbeConfig> = {}): number {
  const cfg = { ...LINEAR_PROBE_DEFAULTS, ...config };
  checkFeatures(train, dim, numClasses, 'linearProbe train');
  checkFeatures(test, dim, numClasses, 'linearProbe test');
  const { mean, std } = featureStats(train.x, dim);
  const w = toVariable(tf.zeros([dim, numClasses]));
  const b = toVariable(tf.zeros([numClasses]));
  const optimizer = adam(cfg.learningRate);
  try {
    const standardize = (x: Float32Array) => tf.div(tf.sub(tf.tensor2d(x, [x.length / dim, dim]), tf.tensor1d(mean)), tf.tensor1d(std));
    const xTrain = tf.tidy(() => standardize(train.x));
    const yTrain = tf.tidy(() => tf.oneHot(tf.tensor1d(train.y, 'int32'), numClasses));
    for (let s = 0; s < cfg.steps; s++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() =>
          tf.add(tf.losses.softmaxCrossEntropy(yTrain, tf.add(tf.matMul(xTrain, w), b)), tf.mul(cfg.l2, tf.sum(tf.square(w)))) as tf.Scalar,
        );
        optimizer.applyGradients(grads);
      });
    }
    tf.dispose([xTrain, yTrain]);
    const predicted = tf.tidy(() => tf.argMax(tf.add(tf.matMul(standardize(test.x), w), b), 1));
    const p = predicted.dataSync();
    predicted.dispose();
    let correct = 0;
    for (let i = 0; i < p.length; i++) if (p[i] === test.y[i]) correct++;
    return correct / test.y.length;
  } finally {
    tf.dispose([w, b]);
    optimizer.dispose();
  }
}
