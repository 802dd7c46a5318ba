import { batches, tf, toTensors, type Dataset } from '@proj/core';
import type { ModelFactory } from './client.js';
import { setParams } from './model_params.js';

/** Share of `ds` the model classifies correctly (forward passes only, in dataset order). */
export async function accuracy(model: tf.LayersModel, ds: Dataset, batchSize = 500): Promise<number> {
  if (ds.size === 0) throw new Error('accuracy: dataset is empty');
  let correct = 0;
  for (const batch of batches(ds, { batchSize, shuffle: false })) {
    const hits = tf.tidy(() => {
      const { x, y } = toTensors(batch);
      return tf.sum(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), y), 'int32'));
    });
    correct += (await hits.data())[0];
    hits.dispose();
  }
  return correct / ds.size;
}

/** Accuracy of flat parameters `params` in a model from `modelFactory` (built and disposed here). */
export async function paramsAccuracy(modelFactory: ModelFactory, params: Float32Array, ds: Dataset): Promise<number> {
  const model = modelFactory();
  try {
    setParams(model, params);
    return await accuracy(model, ds);
  } finally {
    model.dispose();
  }
}
