/**
 * Shared pieces of the image-classification experiments: test accuracy and a
 * cosine learning-rate schedule for tfjs optimizers.
 */
import { batches, tf, toTensors, type Dataset } from '@proj/core';

/** Share of `ds` that the model classifies correctly (forward passes only, in fixed order). */
export async function accuracy(model: tf.LayersModel, ds: Dataset, batchSize = 500): Promise<number> {
  let correct = 0;
  for (const batch of batches(ds, { batchSize, shuffle: false })) {
    const hits = tf.tidy(() => {
      const { x, y } = toTensors(batch);
      const predicted = tf.argMax(model.predict(x) as tf.Tensor, -1);
      return tf.sum(tf.cast(tf.equal(predicted, y), 'int32'));
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct / ds.size;
}

/**
 * Sets the step size of a tfjs optimizer between steps. tfjs has no schedules;
 * its SGD/Adam/RMSProp read the `learningRate` field on every step, so changing
 * it is enough (the field is protected in the typings, hence the cast).
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = lr;
}

/** Half-cosine decay from `peak` at step 0 to 0 at `total` steps. */
export function cosineDecay(peak: number, step: number, total: number): number {
  return 0.5 * peak * (1 + Math.cos((Math.PI * Math.min(step, total)) / total));
}
