/**
 * Protected datasets: a data owner publishes images with defensive noise
 * added. The noise is stored as int8 pixel units, round(delta * 255) (the
 * official generator's format), in a safetensors file beside the data, and is
 * applied when the data is read: x + noise / 255, clipped to [0, 1].
 */
import { exampleSize, loadSafetensors, saveSafetensors, toRng, type Dataset, type Examples, type Rng } from '@proj/core';
import type { DefensiveNoise } from './noise.js';

/** Noise in int8 pixel units for every example: row-major [size, ...exampleShape]. */
export interface QuantizedNoise {
  values: Int8Array;
  shape: number[];
  /** L-inf radius in pixel units that every value respects. */
  radius: number;
}

const TENSOR = 'noise';

/** Where the noise of a data file lives: `<dataPath>.noise.safetensors`. */
export function noisePathFor(dataPath: string): string {
  return `${dataPath}.noise.safetensors`;
}

/** round(delta * 255) as int8; `radius` (pixel units) bounds every value. */
export function quantizeNoise(noise: DefensiveNoise, radius: number): QuantizedNoise {
  checkRadius(radius, 'quantizeNoise');
  const values = new Int8Array(noise.delta.length);
  for (let i = 0; i < values.length; i++) {
    const v = Math.round(noise.delta[i] * 255);
    if (!(Math.abs(v) <= radius)) {
      throw new Error(`quantizeNoise: delta[${i}] = ${noise.delta[i]} is ${v}/255, outside the radius ${radius}/255`);
    }
    values[i] = v;
  }
  return { values, shape: [noise.size, ...noise.exampleShape], radius };
}

function checkRadius(radius: number, where: string): void {
  if (!Number.isInteger(radius) || radius < 0 || radius > 127) {
    throw new Error(`${where}: radius must be an integer in [0, 127] (pixel units of 1/255), got ${radius}`);
  }
}

/** Throws unless `noise` fits `data` (shape [data.size, ...exampleShape]) and stays within its radius. */
export function checkNoise(noise: QuantizedNoise, data: Dataset, where = 'checkNoise'): void {
  checkRadius(noise.radius, where);
  const want = [data.size, ...data.exampleShape];
  if (noise.shape.length !== want.length || noise.shape.some((d, i) => d !== want[i])) {
    throw new Error(`${where}: noise has shape [${noise.shape.join(', ')}], the dataset needs [${want.join(', ')}]`);
  }
  if (noise.values.length !== data.size * exampleSize(data.exampleShape)) {
    throw new Error(`${where}: noise holds ${noise.values.length} values, shape [${want.join(', ')}] needs ${data.size * exampleSize(data.exampleShape)}`);
  }
  for (let i = 0; i < noise.values.length; i++) {
    if (Math.abs(noise.values[i]) > noise.radius) {
      throw new Error(`${where}: noise value ${noise.values[i]} at index ${i} is outside [-${noise.radius}, ${noise.radius}] (the radius in pixel units)`);
    }
  }
}

/** Writes the noise as an int8 safetensors tensor, with its radius in the metadata. */
export function saveNoise(path: string, noise: QuantizedNoise): void {
  checkRadius(noise.radius, 'saveNoise');
  saveSafetensors(path, { [TENSOR]: { dtype: 'I8', shape: noise.shape, data: noise.values } }, { radius: String(noise.radius) });
}

/** Reads a noise file written by `saveNoise`. */
export function loadNoise(path: string): QuantizedNoise {
  const { tensors, metadata } = loadSafetensors(path);
  const t = tensors[TENSOR];
  if (!t) throw new Error(`loadNoise: ${path} has no tensor named '${TENSOR}'`);
  if (t.dtype !== 'I8') throw new Error(`loadNoise: ${path} holds ${t.dtype} noise, expected I8 (round(delta * 255))`);
  const radius = Number(metadata.radius);
  if (metadata.radius === undefined || !Number.isFinite(radius)) throw new Error(`loadNoise: ${path} lacks its radius in the metadata`);
  return { values: t.data as Int8Array, shape: t.shape, radius };
}

/** A copy of `noise` with all but a random `fraction` of the examples left clean (partial protection). */
export function partialNoise(noise: QuantizedNoise, fraction: number, seed: number | Rng): QuantizedNoise {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`partialNoise: fraction must be in [0, 1], got ${fraction}`);
  const size = noise.shape[0];
  const stride = noise.values.length / size;
  const keep = toRng(seed).permutation(size).subarray(0, Math.round(fraction * size));
  const values = new Int8Array(noise.values.length);
  for (const i of keep) values.set(noise.values.subarray(i * stride, (i + 1) * stride), i * stride);
  return { ...noise, values };
}

/** `base` as a data user receives it: every example with its noise added, clipped to [0, 1]. */
export class ProtectedDataset implements Dataset {
  readonly size: number;
  readonly exampleShape: readonly number[];
  readonly numClasses: number;
  private readonly stride: number;

  constructor(
    readonly base: Dataset,
    readonly noise: QuantizedNoise,
  ) {
    checkNoise(noise, base, 'ProtectedDataset');
    this.size = base.size;
    this.exampleShape = base.exampleShape;
    this.numClasses = base.numClasses;
    this.stride = exampleSize(base.exampleShape);
  }

  take(indices: ArrayLike<number>): Examples {
    const out = this.base.take(indices);
    const s = this.stride;
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i] * s;
      for (let k = 0; k < s; k++) {
        const v = out.x[i * s + k] + this.noise.values[from + k] / 255;
        out.x[i * s + k] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    return out;
  }
}

/** The data of `dataPath` (already loaded as `base`) with the noise file beside it applied. */
export function loadProtected(base: Dataset, dataPath: string): ProtectedDataset {
  return new ProtectedDataset(base, loadNoise(noisePathFor(dataPath)));
}
