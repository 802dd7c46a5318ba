/**
 * A whole-image classifier on a grid of tile embeddings: MIL pooling, then
 * one linear unit giving the logit of "the image holds a lesion"
 * (Ilse et al. 2018's f(z) = sigm(w^T z + b)).
 */
import { type Rng, tf } from '@proj/core';
import { constant, disposeModule } from './layers.js';
import { createPooling } from './pooling/create.js';
import type { MilPooling, PoolingName } from './pooling/mil_pooling.js';

export interface WholeImageModel {
  readonly pooling: MilPooling;
  readonly variables: tf.Variable[];
  /** Logits [n] and, for attention pooling, tile weights [n, k] of bags [n, k, dim]. */
  predict(bags: tf.Tensor3D): { logits: tf.Tensor1D; attention?: tf.Tensor2D };
  dispose(): void;
}

/** Fixed per-feature standardization of tile embeddings, (h - mean) / std, so that tanh attention starts unsaturated. */
export interface FeatureScale {
  mean: Float32Array;
  std: Float32Array;
}

export function wholeImageModel(pooling: PoolingName | MilPooling, dim: number, rng: Rng, scale?: FeatureScale): WholeImageModel {
  const pool = typeof pooling === 'string' ? createPooling(pooling, dim, rng) : pooling;
  // A zero-initialized classifier: attention first gets gradient once the classifier has learned which direction
  // means "lesion", so it cannot lock onto the wrong tiles by the sign of a random initial weight.
  const head = { weight: constant([dim, 1], 0), bias: constant([1], 0) };
  if (scale && (scale.mean.length !== dim || scale.std.length !== dim)) {
    throw new Error(`wholeImageModel: scale.mean and scale.std must have ${dim} entries, got ${scale.mean.length} and ${scale.std.length}`);
  }
  const shift = scale ? tf.keep(tf.tensor1d(scale.mean)) : null;
  const divide = scale ? tf.keep(tf.tensor1d(scale.std)) : null;
  return {
    pooling: pool,
    variables: [...pool.variables, head.weight, head.bias],
    predict: (bags) => {
      const { z, attention } = pool.pool(shift && divide ? (tf.div(tf.sub(bags, shift), divide) as tf.Tensor3D) : bags);
      return { logits: tf.reshape(tf.add(tf.matMul(z, head.weight), head.bias), [-1]) as tf.Tensor1D, attention };
    },
    dispose: () => {
      tf.dispose([head.weight, head.bias]);
      disposeModule(pool);
      tf.dispose([shift, divide].filter((t) => t !== null));
    },
  };
}

/** Binary cross-entropy of logits [n] against labels in {0, 1}. */
export function binaryCrossEntropy(logits: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar);
}
