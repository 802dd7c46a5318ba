import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, imageGrid } from '../src/image/index.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    // The CRC-32 check value of "123456789" (ISO-HDLC) is 0xCBF43926.
    const bytes = new TextEncoder().encode('123456789');
    expect((crc32(bytes) ^ 0xffffffff) >>> 0).toBe(0xcbf43926);
  });
});

/** Splits a PNG into its chunks, checking each chunk's CRC. */
function chunks(png: Uint8Array): { type: string; body: Uint8Array }[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: { type: string; body: Uint8Array }[] = [];
  for (let off = 8; off < png.length; ) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const body = png.subarray(off + 8, off + 8 + len);
    expect(view.getUint32(off + 8 + len)).toBe((crc32(png.subarray(off + 4, off + 8 + len)) ^ 0xffffffff) >>> 0);
    out.push({ type, body });
    off += 12 + len;
  }
  return out;
}

describe('encodePng', () => {
  it('writes the signature, a correct header and scanlines that inflate back to the pixels', () => {
    const data = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => i * 10);
    const png = encodePng({ width: 3, height: 2, channels: 3, data });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const cs = chunks(png);
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const hv = new DataView(cs[0]!.body.buffer, cs[0]!.body.byteOffset, 13);
    expect([hv.getUint32(0), hv.getUint32(4), cs[0]!.body[8], cs[0]!.body[9]]).toEqual([3, 2, 8, 2]);
    const raw = inflateSync(cs[1]!.body);
    expect([...raw]).toEqual([0, ...data.subarray(0, 9), 0, ...data.subarray(9)]);
  });

  it('rejects inconsistent images', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toThrow(/4 bytes/);
    expect(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) })).toThrow(/positive/);
  });
});

describe('imageGrid', () => {
  it('places tiles row by row with padding and maps the range to bytes', () => {
    // Three 1x2 gray images in two columns: values in [-1, 1].
    const pixels = [-1, 1, 0, 0.5, 2, Number.NaN];
    const g = imageGrid(pixels, [3, 1, 2, 1], { columns: 2, padding: 1, background: 7, range: [-1, 1] });
    expect([g.width, g.height, g.channels]).toEqual([7, 5, 1]);
    const row = (y: number): number[] => [...g.data.subarray(y * 7, (y + 1) * 7)];
    expect(row(0)).toEqual([7, 7, 7, 7, 7, 7, 7]);
    expect(row(1)).toEqual([7, 0, 255, 7, 128, 191, 7]);
    expect(row(3)).toEqual([7, 255, 0, 7, 7, 7, 7]);
  });

  it('rejects a pixel count that does not match the shape', () => {
    expect(() => imageGrid(new Float32Array(5), [1, 2, 3, 1])).toThrow(/needs 6/);
  });
});
