import { describe, expect, it } from 'vitest';
import { encodeGif, psnr, Rng, ssim, type RgbImage } from '../src/index.js';

describe('ssim', () => {
  it('is 1 for an image with itself', () => {
    const rng = new Rng(3);
    const a = Float32Array.from({ length: 2 * 16 * 16 * 3 }, () => rng.uniform());
    expect(ssim(a, a, [2, 16, 16, 3])).toBeCloseTo(1, 10);
  });

  it('matches the formula on constant images (hand-computed)', () => {
    // Constant a = 0.2, b = 0.6: variances and covariance vanish, so
    // SSIM = (2 * 0.2 * 0.6 + C1) / (0.04 + 0.36 + C1) with C1 = 1e-4.
    const a = new Float32Array(12 * 12).fill(0.2);
    const b = new Float32Array(12 * 12).fill(0.6);
    expect(ssim(a, b, [1, 12, 12, 1])).toBeCloseTo((0.24 + 1e-4) / (0.4 + 1e-4), 6);
  });

  it('drops with noise and names bad arguments', () => {
    const rng = new Rng(4);
    const a = Float32Array.from({ length: 32 * 32 }, (_, i) => 0.5 + 0.4 * Math.sin(i / 7));
    const small = a.map((v) => v + 0.02 * rng.normal());
    const large = a.map((v) => v + 0.2 * rng.normal());
    const s1 = ssim(a, small, [1, 32, 32, 1]);
    const s2 = ssim(a, large, [1, 32, 32, 1]);
    expect(s1).toBeLessThan(1);
    expect(s2).toBeLessThan(s1);
    expect(() => ssim(a, a, [1, 8, 8, 1])).toThrow(/both images must have 64 values/);
    expect(() => ssim(a, a, [1, 32, 32, 1], { windowSize: 40 })).toThrow(/windowSize/);
  });
});

describe('psnr', () => {
  it('is 10 log10(L^2 / MSE) (hand-computed)', () => {
    // Every value off by 0.1: MSE 0.01 -> 20 dB at L = 1; 20 + 20 log10(2) at L = 2.
    const a = new Float32Array(8).fill(0.5);
    const b = new Float32Array(8).fill(0.6);
    expect(psnr(a, b, [2, 2, 2, 1])).toBeCloseTo(20, 4);
    expect(psnr(a, b, [2, 2, 2, 1], 2)).toBeCloseTo(20 + 20 * Math.log10(2), 4);
    expect(psnr(a, a, [2, 2, 2, 1])).toBe(Infinity);
  });
});

/** Decodes the LZW image data of a GIF (test-side reference decoder). */
function lzwDecode(data: number[], minCodeSize: number): number[] {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  let width = minCodeSize + 1;
  let dict: number[][] = [];
  const reset = () => {
    dict = Array.from({ length: clear + 2 }, (_, i) => [i]);
    width = minCodeSize + 1;
  };
  reset();
  const out: number[] = [];
  let pos = 0;
  let prev: number[] | null = null;
  const read = () => {
    let code = 0;
    for (let b = 0; b < width; b++, pos++) code |= ((data[pos >> 3]! >> (pos & 7)) & 1) << b;
    return code;
  };
  for (;;) {
    const code = read();
    if (code === clear) {
      reset();
      prev = null;
      continue;
    }
    if (code === end) break;
    let entry: number[];
    if (code < dict.length) entry = dict[code]!;
    else entry = [...prev!, prev![0]!];
    out.push(...entry);
    if (prev) dict.push([...prev, entry[0]!]);
    if (dict.length === 1 << width && width < 12) width++;
    prev = entry;
  }
  return out;
}

describe('encodeGif', () => {
  it('writes a looping GIF89a whose frames decode back to the palette indices', () => {
    const rng = new Rng(5);
    const frames: RgbImage[] = [0, 1, 2].map((f) => ({
      width: 37,
      height: 29,
      channels: 3 as const,
      // Few colours then noise: long LZW runs, and more than 4096 codes (a table reset) in the noisy frame.
      data: Uint8Array.from({ length: 37 * 29 * 3 }, (_, i) => (f < 2 ? ((i / 90) | 0) * 40 * (f + 1) : Math.floor(rng.uniform() * 256)) & 255),
    }));
    const gif = encodeGif(frames, { delayMs: 50 });
    expect(String.fromCharCode(...gif.subarray(0, 6))).toBe('GIF89a');
    expect(gif[6]! | (gif[7]! << 8)).toBe(37);
    expect(gif[8]! | (gif[9]! << 8)).toBe(29);
    expect(gif[10]! & 0x80).toBe(0x80);
    const palette = gif.subarray(13, 13 + 768);
    let p = 13 + 768;
    expect(String.fromCharCode(...gif.subarray(p + 3, p + 14))).toBe('NETSCAPE2.0');
    p += 19;
    const decoded: number[][] = [];
    while (gif[p] !== 0x3b) {
      expect(gif.subarray(p, p + 4)).toEqual(Uint8Array.of(0x21, 0xf9, 4, 0x04));
      expect(gif[p + 4]).toBe(5);
      p += 8;
      expect(gif[p]).toBe(0x2c);
      p += 10;
      const minCode = gif[p++]!;
      const data: number[] = [];
      while (gif[p] !== 0) {
        const n = gif[p]!;
        data.push(...gif.subarray(p + 1, p + 1 + n));
        p += n + 1;
      }
      p++;
      decoded.push(lzwDecode(data, minCode));
    }
    expect(p).toBe(gif.length - 1);
    expect(decoded).toHaveLength(3);
    frames.forEach((f, k) => {
      expect(decoded[k]).toHaveLength(37 * 29);
      // Every pixel maps to its nearest palette colour (the 6x7x6 cube: at most half a step off).
      for (let i = 0; i < 37 * 29; i++) {
        const idx = decoded[k]![i]!;
        expect(idx).toBeLessThan(252);
        expect(Math.abs(palette[idx * 3]! - f.data[i * 3]!)).toBeLessThanOrEqual(26);
        expect(Math.abs(palette[idx * 3 + 1]! - f.data[i * 3 + 1]!)).toBeLessThanOrEqual(22);
        expect(Math.abs(palette[idx * 3 + 2]! - f.data[i * 3 + 2]!)).toBeLessThanOrEqual(26);
      }
    });
  });

  it('names bad frames', () => {
    const a: RgbImage = { width: 2, height: 2, channels: 1, data: new Uint8Array(4) };
    const b: RgbImage = { width: 3, height: 2, channels: 1, data: new Uint8Array(6) };
    expect(() => encodeGif([])).toThrow(/frames must not be empty/);
    expect(() => encodeGif([a, b])).toThrow(/frame 1 is 3x2/);
  });
});
