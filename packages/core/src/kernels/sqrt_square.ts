/**
 * Sqrt and Square on float32 tensors: tf.train.adam runs both on every
 * variable every step (its second moment and the step's denominator). Stock
 * runs every unary op through one shared loop that calls the op as a function
 * per element; these loops compute it inline, and with the native provider
 * large arrays run its vectorized, threaded loops. Results equal stock's:
 * sqrt and a float32 product are correctly rounded either way.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Values, type CpuLikeBackend } from './cpu_data.js';
import { activeNative, NATIVE_ELEMENTWISE_MIN } from './native.js';
import { overwrittenOutput } from './output.js';

type Op = 'sqrt' | 'square';

const NATIVE_OP = { sqrt: 0, square: 1 } as const;

function unaryKernel(op: Op): (stock: KernelFunc) => KernelFunc {
  return (stock) => (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const values = float32Values(backend, x);
    if (!values) return stock(args);
    const native = activeNative();
    if (native && values.length >= NATIVE_ELEMENTWISE_MIN) {
      const out = overwrittenOutput(backend, values.length);
      native.unary(NATIVE_OP[op], values, out);
      return backend.makeTensorInfo(x.shape, 'float32', out);
    }
    const y = new Float32Array(values.length);
    if (op === 'sqrt') for (let i = 0; i < values.length; i++) y[i] = Math.sqrt(values[i]);
    else
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        y[i] = v * v;
      }
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
}

export const sqrtKernel = unaryKernel('sqrt');
export const squareKernel = unaryKernel('square');
