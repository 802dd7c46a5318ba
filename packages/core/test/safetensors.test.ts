import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  loadWeights,
  saveSafetensors,
  saveWeights,
  writeFileAtomic,
  type SafeTensor,
} from '../src/io/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'proj-safetensors-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** A valid file whose header we can rewrite: one F32 [2] tensor 'a' then one I32 [1] tensor 'b'. */
function withHeader(header: string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors bytes', () => {
  it('writes exactly the bytes worked out by hand', () => {
    const bytes = encodeSafetensors({ a: { dtype: 'F32', shape: [2], data: Float32Array.from([1, -2]) } });
    // The JSON is 54 bytes; padded with two spaces to 56, a multiple of 8.
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const expected = [
      56, 0, 0, 0, 0, 0, 0, 0, // header length, u64 little-endian
      ...ascii(json),
      0x20, 0x20,
      0x00, 0x00, 0x80, 0x3f, // 1.0f little-endian
      0x00, 0x00, 0x00, 0xc0, // -2.0f
    ];
    expect(Array.from(bytes)).toEqual(expected);
  });

  it('puts metadata first and lays tensors out contiguously in key order', () => {
    const bytes = encodeSafetensors(
      {
        w: { dtype: 'I16', shape: [], data: Int16Array.from([-2]) },
        b: { dtype: 'U8', shape: [3], data: Uint8Array.from([7, 8, 9]) },
      },
      { format: 'pt' },
    );
    const json =
      '{"__metadata__":{"format":"pt"},"w":{"dtype":"I16","shape":[],"data_offsets":[0,2]},' +
      '"b":{"dtype":"U8","shape":[3],"data_offsets":[2,5]}}';
    expect(json.length).toBe(136); // already a multiple of 8: no padding
    expect(Array.from(bytes.subarray(0, 8))).toEqual([136, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(bytes.subarray(8, 144))).toBe(json);
    expect(Array.from(bytes.subarray(144))).toEqual([0xfe, 0xff, 7, 8, 9]);
  });

  it('round-trips every dtype, metadata, scalars and empty tensors', () => {
    const tensors: Record<string, SafeTensor> = {
      f32: { dtype: 'F32', shape: [2, 2], data: Float32Array.from([1.5, -0, Infinity, 3e-39]) },
      f64: { dtype: 'F64', shape: [1], data: Float64Array.from([Math.PI]) },
      f16: { dtype: 'F16', shape: [1], data: Uint16Array.from([0x3c00]) },
      bf16: { dtype: 'BF16', shape: [1], data: Uint16Array.from([0x3f80]) },
      i64: { dtype: 'I64', shape: [2], data: BigInt64Array.from([-(2n ** 62n), 5n]) },
      u64: { dtype: 'U64', shape: [1], data: BigUint64Array.from([2n ** 64n - 1n]) },
      i32: { dtype: 'I32', shape: [], data: Int32Array.from([-7]) },
      u32: { dtype: 'U32', shape: [1], data: Uint32Array.from([4294967295]) },
      i16: { dtype: 'I16', shape: [1], data: Int16Array.from([-300]) },
      u16: { dtype: 'U16', shape: [1], data: Uint16Array.from([65535]) },
      i8: { dtype: 'I8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
      u8: { dtype: 'U8', shape: [0, 4], data: new Uint8Array(0) },
      flag: { dtype: 'BOOL', shape: [3], data: Uint8Array.from([1, 0, 1]) },
    };
    const path = join(tmp, 'all.safetensors');
    saveSafetensors(path, tensors, { note: 'hi', 'é': '✓' });
    const back = loadSafetensors(path);
    expect(back.metadata).toEqual({ note: 'hi', 'é': '✓' });
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back.tensors[name].dtype).toBe(t.dtype);
      expect(back.tensors[name].shape).toEqual(t.shape);
      expect(back.tensors[name].data).toEqual(t.data);
    }
  });

  it('decodes an unpadded header at an odd offset (copies into aligned arrays)', () => {
    const header = '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const file = withHeader(header, 4);
    file.set([0, 0, 0x80, 0x3f], file.length - 4);
    const shifted = new Uint8Array(file.length + 1).subarray(1);
    shifted.set(file);
    expect(Array.from(decodeSafetensors(shifted).tensors.x.data as Float32Array)).toEqual([1]);
  });

  it('rejects bad input to encode with the tensor name', () => {
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(
      /tensor 'w': data has 2 values, shape \[3\] needs 3/,
    );
    expect(() => encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Int32Array(1) } })).toThrow(
      /tensor 'w': F32 data must be a Float32Array, got Int32Array/,
    );
    expect(() => encodeSafetensors({ w: { dtype: 'Q4' as 'F32', shape: [1], data: new Float32Array(1) } })).toThrow(/unknown dtype "Q4"/);
    expect(() => encodeSafetensors({ w: { dtype: 'BOOL', shape: [1], data: Uint8Array.from([2]) } })).toThrow(/BOOL value 2/);
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow(/reserved/);
  });

  describe('rejects corrupt files', () => {
    const good = encodeSafetensors({
      a: { dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) },
      b: { dtype: 'I32', shape: [1], data: Int32Array.from([3]) },
    });
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', good.subarray(0, 5), /too short/],
      ['truncated data', good.subarray(0, good.length - 1), /tensor 'b' ends at byte 12 but the data buffer has 11 bytes/],
      ['header past the end', good.subarray(0, 40), /header length .* runs past the end/],
      ['trailing bytes', Uint8Array.from([...good, 0]), /tensors cover 12 bytes but the data buffer has 13/],
      ['huge header length', Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 1, 123]), /exceeds the 100000000-byte limit/],
      ['bad json', withHeader('{"a": ', 0), /not valid JSON/],
      ['not an object', withHeader('[1,2]   ', 0), /must be a JSON object/],
      ['unknown dtype', withHeader('{"a":{"dtype":"X9","shape":[1],"data_offsets":[0,1]}}', 1), /tensor 'a': unknown dtype "X9"/],
      ['size mismatch', withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', 4), /tensor 'a': F32 of shape \[2\] needs 8 bytes, data_offsets \[0, 4\] span 4/],
      [
        'overlap',
        withHeader('{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}', 4),
        /tensor 'b' \[2, 4\] overlaps tensor 'a'/,
      ],
      ['gap', withHeader('{"a":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}', 3), /tensor 'a' starts at 1, leaving a gap after byte 0/],
      ['bad offsets', withHeader('{"a":{"dtype":"U8","shape":[0],"data_offsets":[3,1]}}', 0), /tensor 'a': data_offsets must be/],
      ['bad metadata', withHeader('{"__metadata__":{"k":1}}', 0), /__metadata__\['k'\] must be a string/],
      ['bad bool', withHeader('{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}}', 1).map((v, i, arr) => (i === arr.length - 1 ? 5 : v)), /BOOL value 5/],
    ];
    for (const [what, bytes, message] of cases) {
      it(what, () => expect(() => decodeSafetensors(bytes)).toThrow(message));
    }

    it('names the path when loading a file', () => {
      const path = join(tmp, 'corrupt.safetensors');
      writeFileSync(path, good.subarray(0, good.length - 2));
      expect(() => loadSafetensors(path)).toThrow(/corrupt\.safetensors: .*tensor 'b'/);
      expect(() => loadSafetensors(join(tmp, 'absent.safetensors'))).toThrow(/cannot read .*absent\.safetensors/);
    });
  });
});

describe('atomic writes', () => {
  it('keeps the old file and removes the temp file when producing the data fails mid-way', () => {
    const dir = join(tmp, 'atomic');
    mkdirSync(dir);
    const path = join(dir, 'w.safetensors');
    saveSafetensors(path, { a: { dtype: 'U8', shape: [1], data: Uint8Array.from([1]) } });
    const before = readFileSync(path);
    function* failing() {
      yield new Uint8Array(1024).fill(7);
      throw new Error('disk on fire');
    }
    expect(() => writeFileAtomic(path, failing())).toThrow('disk on fire');
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    expect(loadSafetensors(path).tensors.a.data).toEqual(Uint8Array.from([1]));
  });

  it('cleans up when the final rename fails (target is a directory)', () => {
    const dir = join(tmp, 'atomic-rename');
    mkdirSync(join(dir, 'taken'), { recursive: true });
    expect(() => saveSafetensors(join(dir, 'taken'), { a: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } })).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('replaces an existing file', () => {
    const path = join(tmp, 'replace.bin');
    writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    writeFileAtomic(path, [Uint8Array.from([4]), Uint8Array.from([5])]);
    expect(Array.from(readFileSync(path))).toEqual([4, 5]);
    expect(existsSync(path)).toBe(true);
  });
});

describe('saveWeights / loadWeights', () => {
  it('round-trips float32, int32 and bool tensors without leaking', () => {
    const path = join(tmp, 'weights.safetensors');
    const w = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const steps = tf.scalar(12, 'int32');
    const mask = tf.tensor1d([true, false, true], 'bool');
    saveWeights(path, { 'layer.0.weight': w, steps, mask }, { epoch: '3' });
    const before = tf.memory().numTensors;
    const back = loadWeights(path);
    expect(Object.keys(back).sort()).toEqual(['layer.0.weight', 'mask', 'steps']);
    expect(back['layer.0.weight'].shape).toEqual([2, 3]);
    expect(back['layer.0.weight'].dtype).toBe('float32');
    expect(Array.from(back['layer.0.weight'].dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(back.steps.dtype).toBe('int32');
    expect(back.steps.shape).toEqual([]);
    expect(back.mask.dtype).toBe('bool');
    expect(Array.from(back.mask.dataSync())).toEqual([1, 0, 1]);
    expect(loadSafetensors(path).metadata).toEqual({ epoch: '3' });
    tf.dispose(Object.values(back));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, steps, mask]);
  });

  it('converts the dtypes tfjs lacks, and refuses values that do not fit int32', () => {
    const path = join(tmp, 'foreign.safetensors');
    saveSafetensors(path, {
      half: { dtype: 'F16', shape: [4], data: Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001]) }, // 1, -2, ~1/3, 2^-24
      brain: { dtype: 'BF16', shape: [1], data: Uint16Array.from([0x4049]) }, // 3.140625
      double: { dtype: 'F64', shape: [1], data: Float64Array.from([0.1]) },
      count: { dtype: 'I64', shape: [1], data: BigInt64Array.from([42n]) },
      bytes: { dtype: 'U8', shape: [2], data: Uint8Array.from([0, 255]) },
    });
    const back = loadWeights(path);
    const half = back.half.dataSync();
    expect([half[0], half[1], half[3]]).toEqual([1, -2, 2 ** -24]);
    expect(half[2]).toBeCloseTo(1 / 3, 3);
    expect(back.brain.dataSync()[0]).toBe(3.140625);
    expect(back.double.dataSync()[0]).toBeCloseTo(0.1, 7);
    expect(back.count.dtype).toBe('int32');
    expect(back.count.dataSync()[0]).toBe(42);
    expect(Array.from(back.bytes.dataSync())).toEqual([0, 255]);
    tf.dispose(Object.values(back));

    saveSafetensors(path, { big: { dtype: 'I64', shape: [1], data: BigInt64Array.from([2n ** 40n]) } });
    const before = tf.memory().numTensors;
    expect(() => loadWeights(path)).toThrow(/tensor 'big': I64 value 1099511627776 .* does not fit in int32/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses tensors it cannot store', () => {
    const c = tf.complex([1], [2]);
    expect(() => saveWeights(join(tmp, 'c.safetensors'), { c })).toThrow(/tensor 'c' has dtype complex64/);
    c.dispose();
  });
});
