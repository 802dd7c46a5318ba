/**
 * The IDX file format of MNIST and Fashion-MNIST (LeCun et al.,
 * http://yann.lecun.com/exdb/mnist/): two zero bytes, a dtype code, the
 * number of dimensions, each dimension as a big-endian int32, then the values
 * big-endian in row-major order. Files are often gzipped; both forms load.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDtype;
  shape: number[];
  data: IdxData;
}

/** Type code (third byte of the magic number) -> dtype and bytes per value. */
const CODES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses IDX bytes, gunzipping first if they start with the gzip magic 1f 8b. */
export function parseIdx(input: Uint8Array): IdxArray {
  let bytes = input;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`parseIdx: input looks gzipped but does not decompress: ${(e as Error).message}`);
    }
  }
  if (bytes.length < 4) throw new Error(`parseIdx: truncated header: ${bytes.length} bytes, need at least 4`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`parseIdx: bad magic number ${got}: an IDX file starts with two zero bytes`);
  }
  const code = CODES[bytes[2]];
  if (code === undefined) {
    throw new Error(`parseIdx: unknown dtype code 0x${bytes[2].toString(16)} (expected 08, 09, 0b, 0c, 0d or 0e)`);
  }
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`parseIdx: truncated header: ${ndim} dimensions need ${headerBytes} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const expected = headerBytes + count * code.bytes;
  if (bytes.length < expected) {
    throw new Error(
      `parseIdx: truncated data: shape [${shape.join(', ')}] of ${code.dtype} needs ${expected} bytes, got ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new Error(
      `parseIdx: ${bytes.length - expected} bytes after the data: shape [${shape.join(', ')}] of ${code.dtype} ` +
        `needs exactly ${expected} bytes, got ${bytes.length} (dims do not match the data)`,
    );
  }
  return { dtype: code.dtype, shape, data: readValues(view, headerBytes, count, code.dtype) };
}

/** Copies `count` big-endian values starting at `offset` into a native typed array. */
function readValues(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Reads and parses an IDX file (plain or .gz); errors name the path. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`readIdxFile: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseIdx(bytes);
  } catch (e) {
    throw new Error(`readIdxFile: ${path}: ${(e as Error).message}`);
  }
}

/** Encodes an array as (uncompressed) IDX bytes; the inverse of `parseIdx`. */
export function encodeIdx(array: { dtype: IdxDtype; shape: readonly number[]; data: IdxData }): Uint8Array {
  const entry = Object.entries(CODES).find(([, c]) => c.dtype === array.dtype);
  if (entry === undefined) throw new Error(`encodeIdx: unknown dtype ${JSON.stringify(array.dtype)}`);
  const code = Number(entry[0]);
  const { bytes: itemBytes } = entry[1];
  const { shape, data } = array;
  if (shape.length > 255) throw new Error(`encodeIdx: at most 255 dimensions, got ${shape.length}`);
  let count = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) throw new Error(`encodeIdx: bad dimension ${d} in shape [${shape.join(', ')}]`);
    count *= d;
  }
  if (data.length !== count) {
    throw new Error(`encodeIdx: data has ${data.length} values, shape [${shape.join(', ')}] needs ${count}`);
  }
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * itemBytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const setters: Record<IdxDtype, (at: number, v: number) => void> = {
    uint8: (at, v) => view.setUint8(at, v),
    int8: (at, v) => view.setInt8(at, v),
    int16: (at, v) => view.setInt16(at, v, false),
    int32: (at, v) => view.setInt32(at, v, false),
    float32: (at, v) => view.setFloat32(at, v, false),
    float64: (at, v) => view.setFloat64(at, v, false),
  };
  const set = setters[array.dtype];
  for (let i = 0; i < count; i++) set(header + i * itemBytes, data[i]);
  return out;
}
