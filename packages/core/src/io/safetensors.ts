/**
 * The safetensors format (Hugging Face, https://github.com/huggingface/safetensors):
 *
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   UTF-8 JSON: { "__metadata__"?: {string: string},
 *                           name: { dtype, shape, data_offsets: [begin, end] }, ... }
 *             padded with spaces so the data starts 8-byte aligned
 *   rest      the tensors' little-endian bytes; offsets count from the start
 *             of this buffer, which the tensors cover contiguously
 *
 * Loading checks everything the reference implementation checks (header
 * size, JSON, known dtypes, byte counts, offsets contiguous and covering the
 * buffer), so a corrupt file fails here with the tensor's name rather than
 * later as wrong numbers.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';

export type SafetensorsDtype = 'BOOL' | 'U8' | 'I8' | 'U16' | 'I16' | 'F16' | 'BF16' | 'U32' | 'I32' | 'F32' | 'F64' | 'I64' | 'U64';

export type SafetensorsData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/**
 * One tensor: row-major `data` whose typed array matches `dtype` (F16 and
 * BF16 are kept as raw Uint16Array bits; BOOL is a Uint8Array of 0/1).
 */
export interface SafeTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsData;
}

export interface SafetensorsContents {
  tensors: Record<string, SafeTensor>;
  metadata: Record<string, string>;
}

type ArrayCtor = { new (buffer: ArrayBuffer): SafetensorsData; readonly name: string };

const DTYPES: Record<SafetensorsDtype, { bytes: number; ctor: ArrayCtor }> = {
  BOOL: { bytes: 1, ctor: Uint8Array },
  U8: { bytes: 1, ctor: Uint8Array },
  I8: { bytes: 1, ctor: Int8Array },
  U16: { bytes: 2, ctor: Uint16Array },
  I16: { bytes: 2, ctor: Int16Array },
  F16: { bytes: 2, ctor: Uint16Array },
  BF16: { bytes: 2, ctor: Uint16Array },
  U32: { bytes: 4, ctor: Uint32Array },
  I32: { bytes: 4, ctor: Int32Array },
  F32: { bytes: 4, ctor: Float32Array },
  F64: { bytes: 8, ctor: Float64Array },
  I64: { bytes: 8, ctor: BigInt64Array },
  U64: { bytes: 8, ctor: BigUint64Array },
};

/** The reference implementation's cap on the header, against huge allocations from corrupt files. */
const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = '__metadata__';

function isDtype(d: unknown): d is SafetensorsDtype {
  return typeof d === 'string' && Object.prototype.hasOwnProperty.call(DTYPES, d);
}

function checkHostLittleEndian(where: string): void {
  // Typed arrays use the host byte order, and the format is little-endian.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error(`${where}: big-endian hosts are not supported`);
  }
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function isShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0);
}

function checkBool(where: string, name: string, data: Uint8Array): void {
  const bad = data.findIndex((v) => v > 1);
  if (bad >= 0) throw new Error(`${where}: tensor '${name}': BOOL value ${data[bad]} at index ${bad} is not 0 or 1`);
}

/** Validates the tensors and lays them out: the header bytes and one byte view per tensor. */
function layout(tensors: Record<string, SafeTensor>, metadata: Record<string, string> | undefined) {
  const where = 'encodeSafetensors';
  checkHostLittleEndian(where);
  if (tensors === null || typeof tensors !== 'object') throw new Error(`${where}: tensors must be an object of named tensors`);
  // Built by hand rather than via an object, so a name like "__proto__" stays an ordinary key.
  const fields: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`${where}: metadata['${k}'] must be a string, got ${typeof v}`);
    }
    fields.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === METADATA_KEY) throw new Error(`${where}: '${METADATA_KEY}' is reserved and cannot name a tensor`);
    if (t === null || typeof t !== 'object') throw new Error(`${where}: tensor '${name}' must be { dtype, shape, data }`);
    if (!isDtype(t.dtype)) {
      throw new Error(`${where}: tensor '${name}': unknown dtype ${JSON.stringify(t.dtype)} (expected one of ${Object.keys(DTYPES).join(', ')})`);
    }
    if (!isShape(t.shape)) throw new Error(`${where}: tensor '${name}': shape must be an array of integers >= 0, got ${JSON.stringify(t.shape)}`);
    const { bytes, ctor } = DTYPES[t.dtype];
    const data = t.data;
    if (!(data instanceof ctor)) {
      throw new Error(`${where}: tensor '${name}': ${t.dtype} data must be a ${ctor.name}, got ${data?.constructor?.name ?? typeof data}`);
    }
    const count = elementCount(t.shape);
    if (data.length !== count) {
      throw new Error(`${where}: tensor '${name}': data has ${data.length} values, shape [${t.shape.join(', ')}] needs ${count}`);
    }
    if (t.dtype === 'BOOL') checkBool(where, name, data as Uint8Array);
    const size = count * bytes;
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] })}`);
    parts.push(new Uint8Array(data.buffer, data.byteOffset, size));
    offset += size;
  }
  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  // Pad with spaces (valid JSON whitespace) so the byte buffer starts 8-byte aligned.
  const header = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  header.set(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(header.length), true);
  return { chunks: [prefix, header, ...parts], total: 8 + header.length + offset };
}

/** The bytes of a safetensors file holding `tensors` (laid out in key order) and optional string metadata. */
export function encodeSafetensors(tensors: Record<string, SafeTensor>, metadata?: Record<string, string>): Uint8Array {
  const { chunks, total } = layout(tensors, metadata);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Parses safetensors bytes; every tensor's data is copied into its own aligned typed array. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  const where = 'decodeSafetensors';
  checkHostLittleEndian(where);
  if (bytes.length < 8) throw new Error(`${where}: ${bytes.length} bytes is too short for the 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new Error(`${where}: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) {
    throw new Error(`${where}: header length ${headerLength} runs past the end of the ${bytes.length}-byte input (truncated?)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new Error(`${where}: header is not valid UTF-8`);
  }
  if (!text.startsWith('{')) throw new Error(`${where}: header must be a JSON object starting with '{'`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: header is not valid JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new Error(`${where}: header must be a JSON object`);

  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: ${METADATA_KEY} must be an object`);
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') throw new Error(`${where}: ${METADATA_KEY}['${k}'] must be a string, got ${JSON.stringify(v)}`);
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (info === null || typeof info !== 'object') throw new Error(`${where}: tensor '${name}': entry must be an object`);
    if (!isDtype(info.dtype)) throw new Error(`${where}: tensor '${name}': unknown dtype ${JSON.stringify(info.dtype)}`);
    if (!isShape(info.shape)) throw new Error(`${where}: tensor '${name}': bad shape ${JSON.stringify(info.shape)}`);
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      throw new Error(`${where}: tensor '${name}': data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    }
    const expected = elementCount(info.shape) * DTYPES[info.dtype].bytes;
    if (offsets[1] - offsets[0] !== expected) {
      throw new Error(
        `${where}: tensor '${name}': ${info.dtype} of shape [${info.shape.join(', ')}] needs ${expected} bytes, ` +
          `data_offsets [${offsets.join(', ')}] span ${offsets[1] - offsets[0]}`,
      );
    }
    entries.push({ name, dtype: info.dtype, shape: info.shape, begin: offsets[0], end: offsets[1] });
  }

  // The tensors must tile the byte buffer exactly: no gaps, no overlaps, nothing left over.
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous = '';
  for (const e of entries) {
    if (e.begin < cursor) throw new Error(`${where}: tensor '${e.name}' [${e.begin}, ${e.end}] overlaps tensor '${previous}' (ends at ${cursor})`);
    if (e.begin > cursor) throw new Error(`${where}: tensor '${e.name}' starts at ${e.begin}, leaving a gap after byte ${cursor}`);
    if (e.end > dataLength) {
      throw new Error(`${where}: tensor '${e.name}' ends at byte ${e.end} but the data buffer has ${dataLength} bytes (truncated?)`);
    }
    cursor = e.end;
    previous = e.name;
  }
  if (cursor !== dataLength) throw new Error(`${where}: tensors cover ${cursor} bytes but the data buffer has ${dataLength}`);

  const tensors = Object.fromEntries(
    entries.map((e) => {
      // Copy into a fresh buffer: it fixes alignment for the typed array and detaches the
      // result from the input (a Buffer's slice() would share memory, even Node's buffer pool).
      const own = new Uint8Array(e.end - e.begin);
      own.set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
      const data = new DTYPES[e.dtype].ctor(own.buffer);
      if (e.dtype === 'BOOL') checkBool(where, e.name, data as Uint8Array);
      return [e.name, { dtype: e.dtype, shape: e.shape, data }];
    }),
  ) as Record<string, SafeTensor>;
  return { tensors, metadata };
}

/** Writes a safetensors file atomically (temp file, fsync, rename): on failure the old file stays. */
export function saveSafetensors(path: string, tensors: Record<string, SafeTensor>, metadata?: Record<string, string>): void {
  const { chunks } = layout(tensors, metadata);
  writeFileAtomic(path, chunks);
}

/** Reads and validates a safetensors file; errors name the path and the offending tensor. */
export function loadSafetensors(path: string): SafetensorsContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`loadSafetensors: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return decodeSafetensors(bytes);
  } catch (e) {
    throw new Error(`loadSafetensors: ${path}: ${(e as Error).message}`);
  }
}
