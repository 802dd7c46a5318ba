/**
 * Checkpoints: the agent's variables and the observation statistics in one
 * safetensors file (@proj/core's `saveWeights`), so that a loaded policy sees
 * inputs normalized exactly as during training.
 */
import { loadWeights, saveWeights, tf } from '@proj/core';
import type { ActorCritic } from './actor_critic.js';
import type { ObservationNormalizer } from './running_stats.js';

const MEAN = 'obs_norm/mean';
const VAR = 'obs_norm/var';

export function saveAgent(path: string, agent: ActorCritic, normalizer: ObservationNormalizer | null): void {
  const tensors: Record<string, tf.Tensor> = { ...agent.namedVariables() };
  const extra: tf.Tensor[] = [];
  if (normalizer) {
    extra.push((tensors[MEAN] = tf.tensor1d(Float32Array.from(normalizer.stats.mean))));
    extra.push((tensors[VAR] = tf.tensor1d(Float32Array.from(normalizer.stats.var))));
  }
  try {
    saveWeights(path, tensors);
  } finally {
    tf.dispose(extra);
  }
}

/** Loads a checkpoint into an agent of the same shapes; the normalizer (if given) gets the saved statistics and is frozen. */
export function loadAgent(path: string, agent: ActorCritic, normalizer: ObservationNormalizer | null): void {
  const loaded = loadWeights(path);
  try {
    for (const [name, v] of Object.entries(agent.namedVariables())) {
      const t = loaded[name];
      if (!t) throw new Error(`loadAgent: ${path} has no tensor '${name}'`);
      if (!tf.util.arraysEqual(t.shape, v.shape)) throw new Error(`loadAgent: '${name}' in ${path} has shape [${t.shape}], the agent needs [${v.shape}]`);
      v.assign(t);
    }
    if (normalizer) {
      if (!loaded[MEAN] || !loaded[VAR]) throw new Error(`loadAgent: ${path} has no observation statistics`);
      normalizer.stats.mean.set(loaded[MEAN].dataSync());
      normalizer.stats.var.set(loaded[VAR].dataSync());
      normalizer.frozen = true;
    }
  } finally {
    tf.dispose(Object.values(loaded));
  }
}
