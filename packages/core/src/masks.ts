import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from './params.js';

/** A binary mask for one weight: 1 keeps the weight, 0 prunes it. */
export interface WeightMask {
  shape: number[];
  data: Uint8Array;
}

/** Masks by weight name. Weights without an entry are dense (unmasked). */
export type MaskSet = Record<string, WeightMask>;

export interface MaskStats {
  /** Kept (nonzero) entries over all masked weights. */
  kept: number;
  /** Total entries over all masked weights. */
  total: number;
  /** kept / total. */
  density: number;
  /** Density of each masked weight. */
  perLayer: Record<string, number>;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A mask from 0/1 values, checked for shape and binary content. */
export function weightMask(shape: readonly number[], data: ArrayLike<number>): WeightMask {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`weightMask: ${data.length} values do not fill shape [${shape}]`);
  }
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0 && data[i] !== 1) throw new Error(`weightMask: value ${data[i]} at ${i} is not 0 or 1`);
    out[i] = data[i];
  }
  return { shape: [...shape], data: out };
}

/** All-ones masks for the named weights (a dense start for dynamic sparsity). */
export function onesMask(weights: NamedTensors): MaskSet {
  const out: MaskSet = {};
  for (const [name, w] of Object.entries(weights)) out[name] = { shape: [...w.shape], data: new Uint8Array(w.size).fill(1) };
  return out;
}

function checkShape(name: string, mask: WeightMask, shape: readonly number[], fn: string): void {
  if (!tf.util.arraysEqual(mask.shape, [...shape])) {
    throw new Error(`${fn}: mask '${name}' has shape [${mask.shape}], weight has [${shape}]`);
  }
}

/** The tensor `w * mask` (caller disposes). */
export function maskTensor(w: tf.Tensor, mask: WeightMask): tf.Tensor {
  checkShape('(tensor)', mask, w.shape, 'maskTensor');
  return tf.tidy(() => tf.mul(w, tf.tensor(mask.data, mask.shape, 'float32')));
}

/**
 * Zeroes the pruned entries of each masked variable in place: the step that
 * keeps sparse training sparse after every optimizer update. Pruned entries
 * become +0 (a product with 0 would leave -0 behind negative weights). One
 * loop over each weight's Float32Array: a tfjs `where` on the cpu backend cost
 * as much as a small network's backward pass.
 */
export function applyMask(vars: NamedTensors<tf.Variable>, masks: MaskSet): void {
  for (const [name, mask] of Object.entries(masks)) {
    const v = vars[name];
    if (!v) throw new Error(`applyMask: mask '${name}' names no variable (have: ${Object.keys(vars).join(', ')})`);
    checkShape(name, mask, v.shape, 'applyMask');
    // dataSync may hand out the backend's own array: read it, never write it.
    const w = v.dataSync() as Float32Array;
    const keep = mask.data;
    const out = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) if (keep[i]) out[i] = w[i];
    tf.tidy(() => v.assign(tf.tensor(out, v.shape, 'float32')));
  }
}

/** Kept and total counts, global and per-layer density. */
export function maskStats(masks: MaskSet): MaskStats {
  let kept = 0;
  let total = 0;
  const perLayer: Record<string, number> = {};
  for (const [name, m] of Object.entries(masks)) {
    let k = 0;
    for (let i = 0; i < m.data.length; i++) k += m.data[i];
    perLayer[name] = m.data.length ? k / m.data.length : 0;
    kept += k;
    total += m.data.length;
  }
  return { kept, total, density: total ? kept / total : 0, perLayer };
}

function combine(a: MaskSet, b: MaskSet, op: (x: number, y: number) => number, fn: string): MaskSet {
  const names = Object.keys(a);
  const other = Object.keys(b);
  if (names.length !== other.length || names.some((n) => !(n in b))) {
    throw new Error(`${fn}: mask sets name different weights ([${names}] vs [${other}])`);
  }
  const out: MaskSet = {};
  for (const name of names) {
    checkShape(name, b[name], a[name].shape, fn);
    const x = a[name].data;
    const y = b[name].data;
    const data = new Uint8Array(x.length);
    for (let i = 0; i < x.length; i++) data[i] = op(x[i], y[i]);
    out[name] = { shape: [...a[name].shape], data };
  }
  return out;
}

/** Entries kept by both masks. */
export function intersectMasks(a: MaskSet, b: MaskSet): MaskSet {
  return combine(a, b, (x, y) => x & y, 'intersectMasks');
}

/** Entries kept by either mask. */
export function unionMasks(a: MaskSet, b: MaskSet): MaskSet {
  return combine(a, b, (x, y) => x | y, 'unionMasks');
}

/** JSON form of a mask set: shapes plus bit-packed data in base64 (1 bit per weight). */
export interface SerializedMaskSet {
  format: 'proj-maskset-v1';
  masks: Record<string, { shape: number[]; bits: string }>;
}

export function serializeMasks(masks: MaskSet): SerializedMaskSet {
  const out: SerializedMaskSet = { format: 'proj-maskset-v1', masks: {} };
  for (const [name, m] of Object.entries(masks)) {
    const packed = new Uint8Array(Math.ceil(m.data.length / 8));
    for (let i = 0; i < m.data.length; i++) if (m.data[i]) packed[i >> 3] |= 1 << (i & 7);
    out.masks[name] = { shape: [...m.shape], bits: Buffer.from(packed).toString('base64') };
  }
  return out;
}

export function deserializeMasks(s: SerializedMaskSet): MaskSet {
  if (s?.format !== 'proj-maskset-v1') throw new Error(`deserializeMasks: unknown format '${s?.format}'`);
  const out: MaskSet = {};
  for (const [name, { shape, bits }] of Object.entries(s.masks)) {
    const n = sizeOf(shape);
    const packed = Buffer.from(bits, 'base64');
    if (packed.length !== Math.ceil(n / 8)) {
      throw new Error(`deserializeMasks: mask '${name}' has ${packed.length} bytes, shape [${shape}] needs ${Math.ceil(n / 8)}`);
    }
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = (packed[i >> 3] >> (i & 7)) & 1;
    out[name] = { shape: [...shape], data };
  }
  return out;
}
