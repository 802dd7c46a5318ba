/**
 * FusedConv2D (conv + bias + activation, as tf.fused.conv2d and tfjs-layers'
 * Conv2D emit it): our NHWC conv, then bias and activation in place on the
 * fresh output instead of two more full-size passes through stock kernels.
 * PReLU, non-channel biases, NCHW and non-float32 go to the stock kernel.
 */
import type { FusedConv2DAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { conv2dForward, nhwcConvInfo } from './conv2d.js';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { applyEpilogue, isChannelBias, isElementwiseActivation } from './epilogue.js';

/** A FusedConv2D kernel function for the cases above; other calls go to `stock`. */
export function fusedConv2dKernel(stock: KernelFunc): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x, filter, bias } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
    const attrs = args.attrs as unknown as FusedConv2DAttrs;
    const activation = attrs.activation;
    if (!isElementwiseActivation(activation)) return stock(args);
    const xValues = float32Values(backend, x);
    const wValues = float32Values(backend, filter);
    const info = xValues && wValues ? nhwcConvInfo(x, filter, attrs) : null;
    if (!xValues || !wValues || !info) return stock(args);
    let biasValues: Float32Array | null = null;
    if (bias) {
      biasValues = float32Values(backend, bias);
      if (!biasValues || !isChannelBias(bias.shape, 4, info.outChannels)) return stock(args);
    }
    const y = conv2dForward(xValues, wValues, info, backend);
    applyEpilogue(y, info.outChannels, biasValues, activation, attrs.leakyreluAlpha);
    return backend.makeTensorInfo(info.outShape, 'float32', y);
  };
}
