/**
 * A compressed file format for sparse models, so that pruning saves disk and
 * transfer and not only FLOPs on paper. It is a valid safetensors file: each
 * sparse float32 tensor `w` is stored as `w.values` (F32, its nonzero entries
 * in row-major order) and either `w.bitmap` (U8, one bit per entry, LSB first)
 * or `w.gaps` (U8, LEB128 varints of the gaps between nonzero positions),
 * whichever is smaller (gaps below about 1/8 density, where most gaps fit in
 * one byte); every other tensor is stored as it is. The metadata key
 * `proj.sparse` describes the encoding. A 10%-dense layer takes about 12.5% of
 * its dense size (values 10% + one gap byte per kept weight 2.5%).
 */
import { readFileSync } from 'node:fs';
import {
  decodeSafetensors,
  encodeSafetensors,
  tf,
  writeFileAtomic,
  toSafeTensor,
  toTfTensor,
  type MaskSet,
  type SafeTensor,
} from '@proj/core';

const FORMAT = 'proj-sparse-v1';
const META_KEY = 'proj.sparse';

type Encoding = 'bitmap' | 'gaps';

interface SparseEntry {
  shape: number[];
  encoding: Encoding;
  nnz: number;
}

export interface ExportSparseOptions {
  /**
   * Masks of the pruned weights: they are checked (an entry outside its mask
   * must be 0) and always stored sparse. Without masks, every float32 tensor
   * is stored sparse when that is smaller.
   */
  masks?: MaskSet;
  /** Extra string metadata stored in the file. */
  metadata?: Record<string, string>;
}

function setEntry<T>(obj: Record<string, T>, key: string, value: T): void {
  // defineProperty, so that a weight named like "__proto__" is stored as data.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** LEB128 varints of the gaps between consecutive positions (the first gap counted from -1). */
function encodeGaps(positions: Int32Array): Uint8Array {
  const out: number[] = [];
  let prev = -1;
  for (const p of positions) {
    let gap = p - prev - 1;
    prev = p;
    while (gap >= 0x80) {
      out.push((gap & 0x7f) | 0x80);
      gap >>>= 7;
    }
    out.push(gap);
  }
  return Uint8Array.from(out);
}

function decodeGaps(bytes: Uint8Array, nnz: number, size: number, name: string): Int32Array {
  const out = new Int32Array(nnz);
  let prev = -1;
  let b = 0;
  for (let k = 0; k < nnz; k++) {
    let gap = 0;
    let shift = 0;
    for (;;) {
      if (b >= bytes.length) throw new Error(`importSparse: '${name}.gaps' ends after ${k} of ${nnz} positions`);
      const byte = bytes[b++];
      gap += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(byte & 0x80)) break;
    }
    prev += gap + 1;
    if (prev >= size) throw new Error(`importSparse: '${name}' position ${prev} is outside its ${size} entries`);
    out[k] = prev;
  }
  return out;
}

function encodeBitmap(positions: Int32Array, size: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(size / 8));
  for (const p of positions) out[p >> 3] |= 1 << (p & 7);
  return out;
}

function decodeBitmap(bytes: Uint8Array, size: number, name: string): Int32Array {
  if (bytes.length !== Math.ceil(size / 8)) throw new Error(`importSparse: '${name}.bitmap' has ${bytes.length} bytes, ${size} entries need ${Math.ceil(size / 8)}`);
  const out: number[] = [];
  for (let i = 0; i < size; i++) if ((bytes[i >> 3] >> (i & 7)) & 1) out.push(i);
  return Int32Array.from(out);
}

/** Positions whose float32 bits are not +0 (so -0 is kept and the round trip is bit-exact). */
function nonzeroPositions(values: Float32Array): Int32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out: number[] = [];
  for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) out.push(i);
  return Int32Array.from(out);
}

/**
 * Encodes named tensors (e.g. `modelVariables(model, { trainableOnly: false })`)
 * in the sparse format; returns the file's bytes. `importSparse` restores them
 * bit for bit.
 */
export function exportSparse(weights: Record<string, tf.Tensor>, opts: ExportSparseOptions = {}): Uint8Array {
  const tensors: Record<string, SafeTensor> = {};
  const sparse: Record<string, SparseEntry> = {};
  const names = new Set(Object.keys(weights));
  for (const name of Object.keys(opts.masks ?? {})) {
    if (!names.has(name)) throw new Error(`exportSparse: mask '${name}' names no tensor (have: ${[...names].join(', ')})`);
  }
  for (const [name, t] of Object.entries(weights)) {
    const entry = toSafeTensor(name, t, 'exportSparse');
    const mask = opts.masks?.[name];
    if (entry.dtype !== 'F32') {
      setEntry(tensors, name, entry);
      continue;
    }
    const values = entry.data as Float32Array;
    const positions = nonzeroPositions(values);
    if (mask) {
      if (!tf.util.arraysEqual(mask.shape, entry.shape)) throw new Error(`exportSparse: mask '${name}' has shape [${mask.shape}], tensor has [${entry.shape}]`);
      const outside = positions.find((p) => !mask.data[p]);
      if (outside !== undefined) {
        throw new Error(`exportSparse: '${name}' has value ${values[outside]} at ${outside}, outside its mask; apply the masks before exporting`);
      }
    }
    const bitmapBytes = Math.ceil(values.length / 8);
    const gaps = encodeGaps(positions);
    const encoding: Encoding = gaps.length < bitmapBytes ? 'gaps' : 'bitmap';
    const sparseBytes = 4 * positions.length + Math.min(gaps.length, bitmapBytes);
    if (!mask && sparseBytes >= 4 * values.length) {
      setEntry(tensors, name, entry);
      continue;
    }
    for (const suffix of ['.values', '.bitmap', '.gaps']) {
      if (names.has(name + suffix)) throw new Error(`exportSparse: tensor names '${name}' and '${name + suffix}' would collide in the file`);
    }
    setEntry(tensors, `${name}.values`, { dtype: 'F32', shape: [positions.length], data: Float32Array.from(positions, (p) => values[p]) });
    const index = encoding === 'gaps' ? gaps : encodeBitmap(positions, values.length);
    setEntry(tensors, `${name}.${encoding}`, { dtype: 'U8', shape: [index.length], data: index });
    setEntry(sparse, name, { shape: entry.shape, encoding, nnz: positions.length });
  }
  const metadata = { ...opts.metadata, [META_KEY]: JSON.stringify({ format: FORMAT, tensors: sparse }) };
  return encodeSafetensors(tensors, metadata);
}

/** Decodes a file written by `exportSparse` into dense tf tensors (the caller disposes them). */
export function importSparse(bytes: Uint8Array): Record<string, tf.Tensor> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const meta = metadata[META_KEY];
  if (meta === undefined) throw new Error(`importSparse: no '${META_KEY}' metadata; this is not a file written by exportSparse`);
  let info: { format?: string; tensors?: Record<string, SparseEntry> };
  try {
    info = JSON.parse(meta);
  } catch {
    throw new Error(`importSparse: '${META_KEY}' metadata is not JSON`);
  }
  if (info.format !== FORMAT || typeof info.tensors !== 'object') throw new Error(`importSparse: unknown sparse format ${JSON.stringify(info.format)}`);
  const parts = new Set<string>();
  const out: Record<string, tf.Tensor> = {};
  try {
    for (const [name, e] of Object.entries(info.tensors)) {
      const values = tensors[`${name}.values`];
      const index = tensors[`${name}.${e.encoding}`];
      if (!values || values.dtype !== 'F32' || !index || index.dtype !== 'U8') {
        throw new Error(`importSparse: '${name}' lacks its F32 '.values' or U8 '.${e.encoding}' part`);
      }
      const size = e.shape.reduce((a, b) => a * b, 1);
      const positions =
        e.encoding === 'gaps' ? decodeGaps(index.data as Uint8Array, e.nnz, size, name) : decodeBitmap(index.data as Uint8Array, size, name);
      if (positions.length !== e.nnz || values.data.length !== e.nnz) {
        throw new Error(`importSparse: '${name}' has ${positions.length} positions and ${values.data.length} values, metadata says ${e.nnz}`);
      }
      const dense = new Float32Array(size);
      positions.forEach((p, k) => (dense[p] = (values.data as Float32Array)[k]));
      setEntry(out, name, tf.tensor(dense, e.shape, 'float32'));
      parts.add(`${name}.values`).add(`${name}.${e.encoding}`);
    }
    for (const [name, t] of Object.entries(tensors)) if (!parts.has(name)) setEntry(out, name, toTfTensor(name, t));
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}

/** `exportSparse` to a file, written atomically. */
export function saveSparse(path: string, weights: Record<string, tf.Tensor>, opts: ExportSparseOptions = {}): void {
  writeFileAtomic(path, exportSparse(weights, opts));
}

/** `importSparse` from a file. */
export function loadSparse(path: string): Record<string, tf.Tensor> {
  return importSparse(readFileSync(path));
}
