import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { ArrayDataset, crc32, encodePng } from '@proj/core';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng, loadImageFolder, makeTiledImages } from '../src/index.js';

/** 30 tiles of 2x2: tile i has every pixel = i / 100 and class i % 3. */
function tileSet(): ArrayDataset {
  const n = 30;
  const x = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) x.fill(i / 100, i * 4, (i + 1) * 4);
  return new ArrayDataset(x, Array.from({ length: n }, (_, i) => i % 3), [2, 2, 1], 3);
}

describe('tiled whole images', () => {
  it('have exactly round(count x prevalence) positives, each with its lesion tiles, negatives with none', () => {
    const data = makeTiledImages(tileSet(), { count: 40, grid: 3, lesionClass: 2, prevalence: 0.25, lesionsPerImage: 2 }, 1);
    expect(data.imageShape).toEqual([6, 6, 1]);
    expect(data.labels.reduce((a, b) => a + b, 0)).toBe(10);
    for (let n = 0; n < 40; n++) {
      const lesions = data.lesionTiles.subarray(n * 9, (n + 1) * 9).reduce((a, b) => a + b, 0);
      expect(lesions).toBe(data.labels[n] === 1 ? 2 : 0);
      for (let p = 0; p < 9; p++) {
        expect(data.tileClasses[n * 9 + p] === 2).toBe(data.lesionTiles[n * 9 + p] === 1);
        // The pixels of tile p are the tile's value, and that tile has the recorded class.
        const r = Math.floor(p / 3) * 2;
        const c = (p % 3) * 2;
        const v = data.images[(n * 6 + r) * 6 + c];
        expect(data.images[(n * 6 + r + 1) * 6 + c + 1]).toBe(v);
        expect(Math.round(v * 100) % 3).toBe(data.tileClasses[n * 9 + p]);
      }
    }
  });

  it('is seeded and validates its config', () => {
    const cfg = { count: 5, grid: 2, lesionClass: 0, prevalence: 0.4 };
    expect(makeTiledImages(tileSet(), cfg, 3).images).toEqual(makeTiledImages(tileSet(), cfg, 3).images);
    expect(() => makeTiledImages(tileSet(), { ...cfg, prevalence: 1.5 }, 3)).toThrow(/prevalence must be in \[0, 1\]/);
    expect(() => makeTiledImages(tileSet(), { ...cfg, lesionClass: 7 }, 3)).toThrow(/no tile of lesionClass 7/);
  });
});

/** A PNG whose rows use the given filter types (encodePng writes filter 0 only). */
function filteredPng(width: number, height: number, channels: 1 | 3, data: Uint8Array, filters: number[]): Uint8Array {
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  const at = (y: number, x: number) => (y >= 0 && x >= 0 ? data[y * stride + x] : 0);
  for (let y = 0; y < height; y++) {
    const f = filters[y % filters.length];
    raw[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const a = at(y, x - channels);
      const b = at(y - 1, x);
      const c = at(y - 1, x - channels);
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f];
      raw[y * (stride + 1) + 1 + x] = (data[y * stride + x] - pred) & 0xff;
    }
  }
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, body.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(body, 8);
    v.setUint32(8 + body.length, (crc32(out.subarray(4, 8 + body.length)) ^ 0xffffffff) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : 2;
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

describe('PNG decoding', () => {
  const gray = Uint8Array.from({ length: 5 * 4 }, (_, i) => (i * 53) % 256);
  const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 91 + 7) % 256);

  it("reads back core's encodePng output, gray and RGB", () => {
    expect(decodePng(encodePng({ width: 5, height: 4, channels: 1, data: gray }))).toEqual({ width: 5, height: 4, channels: 1, data: gray });
    expect(decodePng(encodePng({ width: 3, height: 2, channels: 3, data: rgb }))).toEqual({ width: 3, height: 2, channels: 3, data: rgb });
  });

  it('undoes every scanline filter (Sub, Up, Average, Paeth)', () => {
    expect(decodePng(filteredPng(5, 4, 1, gray, [1, 2, 3, 4])).data).toEqual(gray);
    expect(decodePng(filteredPng(3, 2, 3, rgb, [4, 3])).data).toEqual(rgb);
  });

  it('rejects files that are not PNGs', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 'x.png')).toThrow(/x.png is not a PNG file/);
  });
});

describe('image folders', () => {
  const root = mkdtempSync(join(tmpdir(), 'vision-folder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('load class subfolders in sorted order as gray images in [0, 1]', () => {
    mkdirSync(join(root, 'malignant'));
    mkdirSync(join(root, 'benign'));
    const img = (v: number) => encodePng({ width: 3, height: 2, channels: 1, data: new Uint8Array(6).fill(v) });
    writeFileSync(join(root, 'benign', 'a.png'), img(0));
    writeFileSync(join(root, 'benign', 'b.png'), img(255));
    writeFileSync(join(root, 'malignant', 'c.png'), encodePng({ width: 3, height: 2, channels: 3, data: new Uint8Array(18).fill(51) }));
    const folder = loadImageFolder(root);
    expect(folder.classes).toEqual(['benign', 'malignant']);
    expect(Array.from(folder.labels)).toEqual([0, 0, 1]);
    expect(folder.imageShape).toEqual([2, 3, 1]);
    expect(folder.images[0]).toBe(0);
    expect(folder.images[6]).toBe(1);
    expect(folder.images[12]).toBeCloseTo(0.2, 5);
  });

  it('refuse images of different sizes', () => {
    writeFileSync(join(root, 'malignant', 'd.png'), encodePng({ width: 4, height: 2, channels: 1, data: new Uint8Array(8) }));
    expect(() => loadImageFolder(root)).toThrow(/all images must have one size/);
  });
});
