import { ArrayDataset, Rng, writeFileAtomic } from '@proj/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkNoise,
  loadNoise,
  loadProtected,
  noisePathFor,
  partialNoise,
  ProtectedDataset,
  quantizeNoise,
  saveNoise,
  type QuantizedNoise,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'unlearnable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 images of 2x2x1 with values 0, 0.5, 1 and labels 0, 1, 2. */
const base = new ArrayDataset(Float32Array.from([0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]), [0, 1, 2], [2, 2, 1], 3);

describe('protected datasets', () => {
  it('quantizes delta to round(delta * 255) and applies noise / 255 clipped to [0, 1] on load', () => {
    const delta = Float32Array.from([8, -8, 3.4, 0, 2, -2.6, 0, 0, 8, -8, 0, 0].map((v) => v / 255));
    const q = quantizeNoise({ delta, size: 3, exampleShape: [2, 2, 1] }, 8);
    expect(Array.from(q.values)).toEqual([8, -8, 3, 0, 2, -3, 0, 0, 8, -8, 0, 0]);
    expect(q.shape).toEqual([3, 2, 2, 1]);
    const ds = new ProtectedDataset(base, q);
    const { x, y } = ds.take([0, 1, 2]);
    expect(Array.from(y)).toEqual([0, 1, 2]);
    const want = [8 / 255, 0, 3 / 255, 0, 0.5 + 2 / 255, 0.5 - 3 / 255, 0.5, 0.5, 1, 1 - 8 / 255, 1, 1];
    want.forEach((v, i) => expect(x[i]).toBeCloseTo(v, 6));
  });

  it('round-trips the noise file beside the data', () => {
    const q: QuantizedNoise = { values: Int8Array.from([1, -2, 3, -4, 5, -6, 7, -8, 0, 8, -8, 1]), shape: [3, 2, 2, 1], radius: 8 };
    const dataPath = join(dir, 'train.idx');
    saveNoise(noisePathFor(dataPath), q);
    const back = loadNoise(noisePathFor(dataPath));
    expect(back.shape).toEqual(q.shape);
    expect(back.radius).toBe(8);
    expect(Array.from(back.values)).toEqual(Array.from(q.values));
    const ds = loadProtected(base, dataPath);
    expect(ds.take([1]).x[0]).toBeCloseTo(0.5 + 5 / 255, 6);
  });

  it('rejects noise of the wrong shape with a clear error', () => {
    const q: QuantizedNoise = { values: new Int8Array(8), shape: [2, 2, 2, 1], radius: 8 };
    expect(() => new ProtectedDataset(base, q)).toThrow(/ProtectedDataset: noise has shape \[2, 2, 2, 1\], the dataset needs \[3, 2, 2, 1\]/);
    const short: QuantizedNoise = { values: new Int8Array(5), shape: [3, 2, 2, 1], radius: 8 };
    expect(() => checkNoise(short, base)).toThrow(/holds 5 values/);
  });

  it('rejects out-of-range values: beyond the radius in a file, or a delta that does not fit', () => {
    const path = join(dir, 'bad.noise.safetensors');
    saveNoise(path, { values: Int8Array.from([0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0]), shape: [3, 2, 2, 1], radius: 8 });
    expect(() => new ProtectedDataset(base, loadNoise(path))).toThrow(/noise value 9 at index 3 is outside \[-8, 8\]/);
    expect(() => quantizeNoise({ delta: Float32Array.from([0.1]), size: 1, exampleShape: [1] }, 8)).toThrow(/delta\[0\] = 0.1.* outside the radius 8\/255/);
    expect(() => quantizeNoise({ delta: Float32Array.from([Number.NaN]), size: 1, exampleShape: [1] }, 8)).toThrow(/outside the radius/);
    expect(() => saveNoise(path, { values: new Int8Array(1), shape: [1], radius: 200 })).toThrow(/radius must be an integer in \[0, 127\]/);
  });

  it('rejects a file whose noise is not int8', () => {
    const header = JSON.stringify({ noise: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, __metadata__: { radius: '8' } });
    const h = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + h.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
    bytes.set(h, 8);
    const path = join(dir, 'f32.noise.safetensors');
    writeFileAtomic(path, bytes);
    expect(() => loadNoise(path)).toThrow(/holds F32 noise, expected I8/);
  });

  it('protects exactly the requested fraction of examples, seeded', () => {
    const values = new Int8Array(100 * 4).fill(5);
    const q: QuantizedNoise = { values, shape: [100, 2, 2, 1], radius: 8 };
    const part = partialNoise(q, 0.3, new Rng(1));
    let noisy = 0;
    for (let i = 0; i < 100; i++) {
      const row = Array.from(part.values.subarray(i * 4, i * 4 + 4));
      expect(row.every((v) => v === 5) || row.every((v) => v === 0)).toBe(true);
      if (row[0] === 5) noisy++;
    }
    expect(noisy).toBe(30);
    expect(Array.from(partialNoise(q, 0.3, 1).values)).toEqual(Array.from(partialNoise(q, 0.3, 1).values));
    expect(() => partialNoise(q, 1.5, 0)).toThrow(/fraction must be in \[0, 1\]/);
  });
});
