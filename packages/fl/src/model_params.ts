/**
 * A model's trainable weights as one flat Float32Array: the wire and
 * aggregation format of the whole package. Weights are taken in the model's
 * own order, so two instances built by the same factory agree even though
 * tfjs gives their layers different auto-generated names.
 */
import { assignParams, flattenParams, modelVariables, type tf } from '@proj/core';

/** A copy of the model's trainable weights, flattened in model order. */
export function getParams(model: tf.LayersModel): Float32Array {
  return flattenParams(modelVariables(model)).vector;
}

/** Overwrites the model's trainable weights with a flat vector from `getParams` of a same-shaped model. */
export function setParams(model: tf.LayersModel, params: Float32Array): void {
  assignParams(modelVariables(model), params);
}
