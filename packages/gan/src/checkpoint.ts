import { loadWeights, saveWeights, tf } from '@proj/core';
import type { GanTrainer } from './gan_trainer.js';
import { localName, type Network } from './network.js';

/** The networks of a GAN run, by role. */
function roles(trainer: GanTrainer): Record<string, Network> {
  const out: Record<string, Network> = { generator: trainer.generator, discriminator: trainer.discriminator };
  if (trainer.config.ema) out.ema = trainer.config.ema.average;
  return out;
}

/**
 * Saves G, D, the EMA generator (if any) and the step count as one
 * safetensors file, keyed `<role>/<layer>/<kernel|bias>` so that a run with
 * freshly built networks (other variable scopes) can load it. Optimizer
 * moments are not saved: a resumed run restarts Adam's averages.
 */
export function saveGanCheckpoint(path: string, trainer: GanTrainer): void {
  const tensors: Record<string, tf.Tensor> = {};
  for (const [role, net] of Object.entries(roles(trainer))) {
    for (const v of Object.values(net.variables)) tensors[`${role}/${localName(net, v.name)}`] = v;
  }
  const step = tf.scalar(trainer.step, 'int32');
  try {
    saveWeights(path, { ...tensors, step }, { format: '@proj/gan checkpoint' });
  } finally {
    step.dispose();
  }
}

/** Loads a checkpoint of `saveGanCheckpoint` into the trainer's networks and step count. */
export function loadGanCheckpoint(path: string, trainer: GanTrainer): void {
  const saved = loadWeights(path);
  try {
    for (const [role, net] of Object.entries(roles(trainer))) {
      for (const v of Object.values(net.variables)) {
        const key = `${role}/${localName(net, v.name)}`;
        const t = saved[key];
        if (!t) throw new Error(`loadGanCheckpoint: ${path} has no tensor '${key}'`);
        if (!tf.util.arraysEqual(t.shape, v.shape)) throw new Error(`loadGanCheckpoint: '${key}' has shape [${t.shape}], the network [${v.shape}]`);
        v.assign(t);
      }
    }
    if (!saved.step) throw new Error(`loadGanCheckpoint: ${path} has no 'step'`);
    trainer.step = saved.step.dataSync()[0];
  } finally {
    tf.dispose(Object.values(saved));
  }
}
