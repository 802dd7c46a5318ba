import { loadSafetensors, loadWeights, saveWeights, tf } from '@proj/core';
import { Transformer, type TransformerConfig } from './transformer.js';

/** Saves a model's weights and config as one safetensors file (config in its metadata). */
export function saveCheckpoint(path: string, model: Transformer): void {
  saveWeights(path, model.params, { config: JSON.stringify(model.config), padId: String(model.padId) });
}

/** Loads weights into an existing model of the same config (e.g. a pretrained model before fine-tuning). */
export function loadCheckpointInto(path: string, model: Transformer): void {
  const weights = loadWeights(path);
  try {
    for (const [name, v] of Object.entries(model.params)) {
      const w = weights[name];
      if (!w) throw new Error(`loadCheckpointInto: ${path} lacks weight ${name}`);
      if (w.shape.join() !== v.shape.join()) throw new Error(`loadCheckpointInto: ${name} has shape [${w.shape}], the model expects [${v.shape}]`);
      v.assign(w);
    }
  } finally {
    tf.dispose(Object.values(weights));
  }
}

/** Copies all weights of `from` into `to` (same config), e.g. to fine-tune two copies of one pretrained model. */
export function copyWeights(from: Transformer, to: Transformer): void {
  for (const [name, v] of Object.entries(to.params)) v.assign(from.params[name]);
}

/** Rebuilds a model from a file written by saveCheckpoint. */
export function loadCheckpoint(path: string): Transformer {
  const { metadata } = loadSafetensors(path);
  if (!metadata?.config) throw new Error(`loadCheckpoint: ${path} has no config in its metadata; was it written by saveCheckpoint?`);
  const model = new Transformer(JSON.parse(metadata.config) as TransformerConfig, Number(metadata.padId ?? 0), 0);
  try {
    loadCheckpointInto(path, model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
