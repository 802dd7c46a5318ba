import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArrayDataset, encodePng } from '@proj/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadImageFolder, makeTiledImages } from '../src/index.js';

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
