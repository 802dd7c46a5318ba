/**
 * Named tfjs tensors to and from safetensors files, for checkpoints and for
 * importing weights exported from PyTorch or JAX.
 *
 * tfjs holds only float32, int32 and bool, so loading widens or narrows the
 * other dtypes: F16, BF16 and F64 become float32; the integer types become
 * int32, and a value outside the int32 range is an error rather than a
 * silent wrap-around.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors, saveSafetensors, type SafeTensor, type SafetensorsDtype } from './safetensors.js';

/** IEEE half precision bits -> number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 is the top half of a float32. */
function bfloat16ToFloat32(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i] << 16;
  return new Float32Array(words.buffer);
}

function toInt32(name: string, dtype: SafetensorsDtype, data: ArrayLike<number | bigint>): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v < -2147483648 || v > 2147483647) {
      throw new Error(`loadWeights: tensor '${name}': ${dtype} value ${data[i]} at index ${i} does not fit in int32`);
    }
    out[i] = v;
  }
  return out;
}

/** A safetensors entry as a tf.Tensor (see the module comment for dtype conversions); `name` is for errors. */
export function toTfTensor(name: string, t: SafeTensor): tf.Tensor {
  const { dtype, shape, data } = t;
  switch (dtype) {
    case 'F32':
      return tf.tensor(data as Float32Array, shape, 'float32');
    case 'F64':
      return tf.tensor(Float32Array.from(data as Float64Array), shape, 'float32');
    case 'F16':
      return tf.tensor(Float32Array.from(data as Uint16Array, halfToFloat), shape, 'float32');
    case 'BF16':
      return tf.tensor(bfloat16ToFloat32(data as Uint16Array), shape, 'float32');
    case 'I32':
      return tf.tensor(data as Int32Array, shape, 'int32');
    case 'BOOL':
      return tf.tensor(data as Uint8Array, shape, 'bool');
    case 'U8':
    case 'I8':
    case 'U16':
    case 'I16':
    case 'U32':
    case 'I64':
    case 'U64':
      return tf.tensor(toInt32(name, dtype, data), shape, 'int32');
  }
}

/** A tf.Tensor as a safetensors entry: float32 -> F32, int32 -> I32, bool -> BOOL; `fn` and `name` are for errors. */
export function toSafeTensor(name: string, t: tf.Tensor, fn = 'toSafeTensor'): SafeTensor {
  if (!(t instanceof tf.Tensor)) throw new Error(`${fn}: '${name}' is not a tf.Tensor`);
  const shape = [...t.shape];
  if (t.dtype === 'float32') return { dtype: 'F32', shape, data: t.dataSync() as Float32Array };
  if (t.dtype === 'int32') return { dtype: 'I32', shape, data: t.dataSync() as Int32Array };
  if (t.dtype === 'bool') return { dtype: 'BOOL', shape, data: Uint8Array.from(t.dataSync()) };
  throw new Error(`${fn}: tensor '${name}' has dtype ${t.dtype}; only float32, int32 and bool can be saved`);
}

/** Saves tensors (float32 -> F32, int32 -> I32, bool -> BOOL) atomically; the tensors are not disposed. */
export function saveWeights(path: string, tensors: Record<string, tf.Tensor>, metadata?: Record<string, string>): void {
  const out: Record<string, SafeTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    const entry = toSafeTensor(name, t, 'saveWeights');
    Object.defineProperty(out, name, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  saveSafetensors(path, out, metadata);
}

/** Loads every tensor of a safetensors file as a tf.Tensor; the caller disposes them. */
export function loadWeights(path: string): Record<string, tf.Tensor> {
  const { tensors } = loadSafetensors(path);
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [name, t] of Object.entries(tensors)) {
      Object.defineProperty(out, name, { value: toTfTensor(name, t), enumerable: true, writable: true, configurable: true });
    }
  } catch (e) {
    // Do not leak the tensors made before the failure.
    tf.dispose(Object.values(out));
    throw new Error(`${(e as Error).message} (in ${path})`);
  }
  return out;
}
