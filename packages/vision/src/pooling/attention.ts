/**
 * Attention-based MIL pooling (Ilse, Tomczak & Welling 2018, eq. 9-10):
 *   a_k = softmax_k( w^T tanh(V h_k) ),                       attention
 *   a_k = softmax_k( w^T (tanh(V h_k) * sigm(U h_k)) ),        gated attention
 *   z = sum_k a_k h_k.
 * The gate lets the score be non-linear beyond tanh's near-linear range.
 */
import { type Rng, tf } from '@proj/core';
import { constant, torchLinearInit } from '../layers.js';
import { checkBags, type MilPooling } from './mil_pooling.js';

/** L = 128 hidden units, Ilse et al.'s MNIST-bags setting. */
export const ATTENTION_HIDDEN = 128;

function attentionPooling(name: 'attention' | 'gated', dim: number, hidden: number, rng: Rng): MilPooling {
  if (!(Number.isInteger(dim) && dim >= 1 && Number.isInteger(hidden) && hidden >= 1)) {
    throw new Error(`${name}Pooling: dim and hidden must be integers >= 1, got ${dim} and ${hidden}`);
  }
  // Small uniform weights (PyTorch's default, as in the official code) keep tanh out of saturation at the start.
  const v = torchLinearInit([dim, hidden], dim, rng);
  const vb = constant([hidden], 0);
  const u = name === 'gated' ? torchLinearInit([dim, hidden], dim, rng) : null;
  const ub = name === 'gated' ? constant([hidden], 0) : null;
  const w = torchLinearInit([hidden, 1], hidden, rng);
  return {
    name,
    variables: [v, vb, w, ...(u && ub ? [u, ub] : [])],
    pool: (bags) => {
      checkBags(bags, `${name}Pooling`, dim);
      const [n, k] = bags.shape;
      const flat = tf.reshape(bags, [n * k, dim]) as tf.Tensor2D;
      let hiddenAct = tf.tanh(tf.add(tf.matMul(flat, v), vb));
      if (u && ub) hiddenAct = tf.mul(hiddenAct, tf.sigmoid(tf.add(tf.matMul(flat, u), ub)));
      const attention = tf.softmax(tf.reshape(tf.matMul(hiddenAct, w), [n, k])) as tf.Tensor2D;
      const z = tf.squeeze(tf.matMul(tf.expandDims(attention, 1), bags), [1]) as tf.Tensor2D;
      return { z, attention };
    },
  };
}

export function attentionMilPooling(dim: number, rng: Rng, hidden = ATTENTION_HIDDEN): MilPooling {
  return attentionPooling('attention', dim, hidden, rng);
}

export function gatedAttentionMilPooling(dim: number, rng: Rng, hidden = ATTENTION_HIDDEN): MilPooling {
  return attentionPooling('gated', dim, hidden, rng);
}
