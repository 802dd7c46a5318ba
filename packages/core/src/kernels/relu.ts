/**
 * Relu and Step, ReLU's forward pass and the mask of its gradient
 * (dy * step(x)), on float32 tensors; other dtypes go to stock.
 *
 * Stock runs every unary op through one shared loop that calls the op as a
 * function per element, and its max / ternary compile to branches that
 * mispredict on every other element of zero-mean activations. These loops
 * choose without branching on the sign; results equal stock's (NaN stays NaN).
 * With the native provider, large inputs run its vectorized, threaded loops.
 */
import type { KernelFunc, StepAttrs } from '@tensorflow/tfjs-core';
import { float32UnaryKernel } from './cpu_data.js';
import { activeNative, NATIVE_ELEMENTWISE_MIN } from './native.js';
import { overwrittenOutput } from './output.js';

/** y = max(0, x), computed on the float32 bit patterns. */
export function reluKernel(stock: KernelFunc): KernelFunc {
  return float32UnaryKernel(stock, (x, _attrs, backend) => {
    const native = activeNative();
    if (native && x.length >= NATIVE_ELEMENTWISE_MIN) {
      const out = overwrittenOutput(backend, x.length);
      native.relu(x, out);
      return out;
    }
    const y = new Float32Array(x.length);
    const xBits = new Int32Array(x.buffer, x.byteOffset, x.length);
    const yBits = new Int32Array(y.buffer);
    for (let i = 0; i < xBits.length; i++) {
      const b = xBits[i];
      // All ones when the sign bit is clear (x >= +0) or x is a NaN, else zero: negatives,
      // -0 and -Infinity become +0, as Math.max(0, x) makes them.
      const keep = ~(b >> 31) | -Number((b & 0x7fffffff) > 0x7f800000);
      yBits[i] = b & keep;
    }
    return y;
  });
}

/** y = 1 where x > 0, alpha where x <= 0, NaN where x is NaN. */
export function stepKernel(stock: KernelFunc): KernelFunc {
  return float32UnaryKernel(stock, (x, attrs, backend) => {
    const { alpha } = attrs as StepAttrs;
    const native = activeNative();
    if (native && x.length >= NATIVE_ELEMENTWISE_MIN && typeof alpha === 'number') {
      const out = overwrittenOutput(backend, x.length);
      native.step(x, out, alpha);
      return out;
    }
    // Indexed by (x > 0): a lookup instead of a branch on the sign.
    const values = Float32Array.of(alpha, 1);
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      // The NaN test is a branch, but one that is almost never taken.
      y[i] = v === v ? values[Number(v > 0)] : v;
    }
    return y;
  });
}
