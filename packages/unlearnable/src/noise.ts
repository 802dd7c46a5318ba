/**
 * Defensive noise held in memory while it is made: one float perturbation per
 * training example, row-major [n, ...exampleShape], in absolute units (8/255,
 * not 8). `protected_dataset.ts` stores it as int8 pixel units.
 */
import { exampleSize, tf, type Dataset } from '@proj/core';

export interface DefensiveNoise {
  /** Row-major [size, ...exampleShape]. */
  delta: Float32Array;
  readonly size: number;
  readonly exampleShape: readonly number[];
}

/** All-zero noise for every example of `data`. */
export function zeroNoise(data: Dataset): DefensiveNoise {
  return { delta: new Float32Array(data.size * exampleSize(data.exampleShape)), size: data.size, exampleShape: data.exampleShape };
}

/** The noise rows of `indices` as a tensor [k, ...exampleShape]. */
export function noiseRows(noise: DefensiveNoise, indices: ArrayLike<number>): tf.Tensor {
  const stride = exampleSize(noise.exampleShape);
  const out = new Float32Array(indices.length * stride);
  for (let i = 0; i < indices.length; i++) out.set(noise.delta.subarray(indices[i] * stride, (indices[i] + 1) * stride), i * stride);
  return tf.tensor(out, [indices.length, ...noise.exampleShape], 'float32');
}

/** Writes the rows of `rows` [k, ...] back at `indices`. */
export function setNoiseRows(noise: DefensiveNoise, indices: ArrayLike<number>, rows: tf.Tensor): void {
  const stride = exampleSize(noise.exampleShape);
  const values = rows.dataSync() as Float32Array;
  for (let i = 0; i < indices.length; i++) noise.delta.set(values.subarray(i * stride, (i + 1) * stride), indices[i] * stride);
}

/** x + delta clipped to the pixel box [0, 1]: what a model trained on protected data sees. */
export function applyNoise(x: tf.Tensor, delta: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.add(x, delta), 0, 1));
}
