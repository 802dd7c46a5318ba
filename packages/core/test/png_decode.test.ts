import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng, type RgbImage } from '../src/index.js';

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((crc32(Buffer.concat([head.subarray(4), body])) ^ 0xffffffff) >>> 0);
  return Buffer.concat([head, body, crc]);
}

describe('decodePng', () => {
  it('reads back what encodePng writes (gray, RGB, RGBA)', () => {
    for (const channels of [1, 3, 4] as const) {
      const img: RgbImage = { width: 5, height: 3, channels, data: Uint8Array.from({ length: 15 * channels }, (_, i) => (i * 37) & 255) };
      expect(decodePng(encodePng(img))).toEqual(img);
    }
  });

  it('undoes the Sub, Up, Average and Paeth filters', () => {
    // A 2x5 RGB image; row y is stored with filter y (0..4), each filter applied by hand here.
    const w = 2;
    const h = 5;
    const px = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 53 + 11) & 255);
    const stride = w * 3;
    const raw = new Uint8Array(h * (stride + 1));
    const paeth = (a: number, b: number, c: number) => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    for (let y = 0; y < h; y++) {
      raw[y * (stride + 1)] = y;
      for (let i = 0; i < stride; i++) {
        const x = px[y * stride + i]!;
        const a = i >= 3 ? px[y * stride + i - 3]! : 0;
        const b = y > 0 ? px[(y - 1) * stride + i]! : 0;
        const c = i >= 3 && y > 0 ? px[(y - 1) * stride + i - 3]! : 0;
        const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][y]!;
        raw[y * (stride + 1) + 1 + i] = (x - pred) & 255;
      }
    }
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(w, 0);
    ihdr.writeUInt32BE(h, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array(0)),
    ]);
    expect(decodePng(png)).toEqual({ width: w, height: h, channels: 3, data: px });
  });

  it('refuses what it cannot read, naming why', () => {
    expect(() => decodePng(new Uint8Array(10))).toThrow(/not a PNG/);
    expect(() => decodePng(new Uint8Array(10), 'frames/00001.png')).toThrow(/frames\/00001.png is not a PNG/);
    const png = encodePng({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) });
    png[8 + 8 + 8] = 16; // bit depth in IHDR
    expect(() => decodePng(png)).toThrow(/bit depth 16/);
  });
});
