/**
 * Projection and prediction heads (lightly's `models/modules/heads`): MLPs
 * with batch norm on the hidden layers, used only during pretraining; the
 * encoder's output below them is the representation that is evaluated.
 */
import { type Rng, tf } from '@proj/core';
import { batchNorm, dense, sequential, type Module } from './layers.js';

/**
 * Linear -> BN -> ReLU blocks for every hidden size, then a linear output
 * (SimCLR v2 / BYOL / SwAV / Barlow Twins heads all have this form; Barlow
 * Twins has two hidden layers, the others one).
 */
export interface Head {
  readonly variables: tf.Variable[];
  apply(x: tf.Tensor2D): tf.Tensor2D;
}

export function mlpHead(inputs: number, hidden: number[], outputs: number, rng: Rng): Head {
  const blocks: Module[] = [];
  let width = inputs;
  for (const h of hidden) {
    // The bias before BN is redundant (BN subtracts the mean).
    blocks.push(sequential(dense(width, h, rng, false), batchNorm(h), (x) => tf.relu(x)));
    width = h;
  }
  const net = sequential(...blocks, dense(width, outputs, rng));
  return { variables: net.variables, apply: (x) => net.apply(x) as tf.Tensor2D };
}
