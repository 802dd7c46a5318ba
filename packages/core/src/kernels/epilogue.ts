/**
 * Bias add and activation applied in place to a fresh matmul/conv result, the
 * tail that the fused kernels (FusedConv2D, _FusedMatMul) add to the product.
 * Formulas match tfjs-backend-cpu's Relu, Relu6, Elu, Sigmoid and LeakyRelu.
 * 'prelu' needs a broadcast weight tensor and stays with the stock kernels.
 */
import { util } from '@tensorflow/tfjs-core';

const ELEMENTWISE = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const;
export type ElementwiseActivation = (typeof ELEMENTWISE)[number];

/** Whether `activation` (undefined meaning none) is one we apply here. */
export function isElementwiseActivation(activation: string | undefined): activation is ElementwiseActivation | undefined {
  return activation === undefined || (ELEMENTWISE as readonly string[]).includes(activation);
}

/**
 * Whether a bias of `shape` broadcasts onto a rank-`outRank` result with
 * `channels` in its last axis along that axis alone: one value, or one per
 * channel, with every other axis 1.
 */
export function isChannelBias(shape: readonly number[], outRank: number, channels: number): boolean {
  if (shape.length > outRank) return false;
  const size = util.sizeFromShape(shape as number[]);
  if (size === 1) return true;
  return size === channels && shape[shape.length - 1] === channels;
}

/**
 * values[i] = act(values[i] + bias[i mod channels]) for a row-major result
 * whose last axis has `channels` entries; `bias` holds 1 or `channels` values.
 * An unset leakyreluAlpha takes tf.leakyRelu's default (0.2) rather than the
 * NaN the stock fused kernels would produce.
 */
export function applyEpilogue(
  values: Float32Array,
  channels: number,
  bias: Float32Array | null,
  activation: ElementwiseActivation | undefined,
  leakyreluAlpha = 0.2,
): void {
  if (bias) addBias(values, channels, bias);
  switch (activation) {
    case undefined:
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < values.length; i++) values[i] = Math.max(0, values[i]);
      return;
    case 'relu6':
      for (let i = 0; i < values.length; i++) values[i] = Math.min(Math.max(0, values[i]), 6);
      return;
    case 'elu':
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        values[i] = v >= 0 ? v : Math.exp(v) - 1;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
      return;
    case 'leakyrelu':
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        values[i] = v < 0 ? leakyreluAlpha * v : v;
      }
      return;
  }
}

function addBias(values: Float32Array, channels: number, bias: Float32Array): void {
  if (bias.length === 1) {
    const b = bias[0];
    for (let i = 0; i < values.length; i++) values[i] += b;
    return;
  }
  for (let i = 0; i < values.length; i += channels) {
    for (let c = 0; c < channels; c++) values[i + c] += bias[c];
  }
}
