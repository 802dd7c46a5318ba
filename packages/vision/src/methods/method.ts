/**
 * What the shared pretraining loop (pretrain.ts) needs from an SSL method:
 * a loss of two augmented views, the variables it trains (encoder + heads),
 * and an optional hook after each optimizer step (BYOL's EMA, SwAV's
 * prototype normalization).
 */
import type { tf } from '@proj/core';
import type { ConvEncoder } from '../encoder.js';

export type MethodName = 'simclr' | 'byol' | 'swav' | 'barlowtwins';

export const METHOD_NAMES: readonly MethodName[] = ['simclr', 'byol', 'swav', 'barlowtwins'];

export interface SslMethod {
  readonly name: MethodName;
  /** The online encoder being pretrained (kept after `dispose`). */
  readonly encoder: ConvEncoder;
  /** Encoder + head variables that the optimizer updates. */
  readonly variables: tf.Variable[];
  /** Scalar loss of two views [n, h, w, c] of the same n images; called inside `tf.tidy`. */
  loss(view1: tf.Tensor4D, view2: tf.Tensor4D): tf.Scalar;
  /** Runs after every optimizer step, with the step (from 1) and the run's total. */
  afterStep?(step: number, totalSteps: number): void;
  /** Frees the heads (and targets); the encoder stays for evaluation. */
  dispose(): void;
}
