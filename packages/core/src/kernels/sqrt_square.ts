/**
 * Sqrt and Square on float32 tensors: tf.train.adam runs both on every
 * variable every step (its second moment and the step's denominator). Stock
 * runs every unary op through one shared loop that calls the op as a function
 * per element; these loops compute it inline, and with the native provider
 * large arrays run its vectorized, threaded loops. Results equal stock's:
 * sqrt and a float32 product are correctly rounded either way.
 */
import type { KernelFunc } from '@tensorflow/tfjs-core';
import { float32UnaryKernel } from './cpu_data.js';
import { activeNative, NATIVE_ELEMENTWISE_MIN } from './native.js';
import { overwrittenOutput } from './output.js';

type Op = 'sqrt' | 'square';

const NATIVE_OP = { sqrt: 0, square: 1 } as const;

function unaryKernel(op: Op): (stock: KernelFunc) => KernelFunc {
  return (stock) =>
    float32UnaryKernel(stock, (x, _attrs, backend) => {
      const native = activeNative();
      if (native && x.length >= NATIVE_ELEMENTWISE_MIN) {
        const out = overwrittenOutput(backend, x.length);
        native.unary(NATIVE_OP[op], x, out);
        return out;
      }
      const y = new Float32Array(x.length);
      if (op === 'sqrt') for (let i = 0; i < x.length; i++) y[i] = Math.sqrt(x[i]);
      else
        for (let i = 0; i < x.length; i++) {
          const v = x[i];
          y[i] = v * v;
        }
      return y;
    });
}

export const sqrtKernel = unaryKernel('sqrt');
export const squareKernel = unaryKernel('square');
