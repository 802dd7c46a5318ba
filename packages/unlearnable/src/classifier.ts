/**
 * The model-facing pieces shared by attacks, noise generation and training:
 * cross-entropy of a Layers model, one SGD step on a batch, test accuracy.
 */
import { batches, tf, toTensors, type Dataset } from '@proj/core';

/** Mean softmax cross-entropy of `model` on x [n, h, w, c] against one-hot y [n, classes]. */
export function crossEntropy(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, training = false): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training }) as tf.Tensor) as tf.Scalar;
}

/** SGD with momentum and L2 weight decay, the optimizer of the official code (PyTorch SGD, lr 0.1, momentum 0.9, weight decay 5e-4). */
export interface SgdConfig {
  learningRate: number;
  momentum: number;
  /** L2 penalty: adds weightDecay * w to each kernel's gradient, as PyTorch's weight_decay does. */
  weightDecay: number;
}

/** Step-decay schedule of the official scripts: multiply by `rate` every `every` steps (2000 of 5000 for noise, 16000 of 40000 for training). */
export function stepDecay(lr: number, step: number, every: number, rate = 0.1): number {
  return lr * Math.pow(rate, Math.floor(step / every));
}

/** PyTorch-style SGD with momentum (tfjs's MomentumOptimizer: v <- m v + g, w <- w - lr v). */
export function sgd(cfg: SgdConfig): tf.MomentumOptimizer {
  return tf.train.momentum(cfg.learningRate, cfg.momentum);
}

/**
 * Frees the optimizer. tfjs's MomentumOptimizer.dispose() frees its momentum
 * scalar and slots but not the -learningRate scalar of its SGDOptimizer
 * base, so that one is freed here too.
 */
export function disposeSgd(optimizer: tf.MomentumOptimizer): void {
  optimizer.dispose();
  tf.SGDOptimizer.prototype.dispose.call(optimizer);
}

/** The model's kernels (not biases), the weights that weight decay acts on. */
function kernels(model: tf.LayersModel): tf.LayerVariable[] {
  return model.trainableWeights.filter((w) => w.name.includes('kernel'));
}

/** Cross-entropy in training mode plus (weightDecay / 2) * sum of squared kernels. */
export function regularizedLoss(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, weightDecay: number): tf.Scalar {
  const ce = crossEntropy(model, x, y, true);
  if (weightDecay === 0) return ce;
  const l2 = tf.addN(kernels(model).map((w) => tf.sum(tf.square(w.read()))));
  return tf.add(ce, tf.mul(l2, weightDecay / 2));
}

/** One optimizer step on (x, y); returns the batch loss. */
export function modelStep(model: tf.LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor, weightDecay: number): number {
  const loss = tf.tidy(() => optimizer.minimize(() => regularizedLoss(model, x, y, weightDecay), true) as tf.Scalar);
  const value = loss.dataSync()[0];
  loss.dispose();
  if (!Number.isFinite(value)) throw new Error(`modelStep: loss became ${value}; lower the learning rate`);
  return value;
}

/** Share of `ds` that `model` classifies correctly (forward passes in fixed order). */
export function accuracy(model: tf.LayersModel, ds: Dataset, batchSize = 500): number {
  let correct = 0;
  for (const batch of batches(ds, { batchSize, shuffle: false })) {
    const hits = tf.tidy(() => {
      const { x, y } = toTensors(batch);
      return tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), y), 'int32'));
    });
    correct += hits.dataSync()[0];
    hits.dispose();
  }
  return correct / ds.size;
}
