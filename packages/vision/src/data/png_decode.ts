/**
 * A PNG decoder for 8-bit non-interlaced images (ISO 15948): gray, gray +
 * alpha, RGB and RGBA, all five scanline filters, IDAT inflated with node's
 * zlib. Enough for users' own grayscale image folders; palette, 16-bit and
 * interlaced files get a clear error.
 */
import { inflateSync } from 'node:zlib';
import type { RgbImage } from '@proj/core';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Colour type -> samples per pixel (ISO 15948 table 11.1). */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes a PNG into 8-bit pixels; gray + alpha keeps the gray, drops alpha (channels 1). */
export function decodePng(bytes: Uint8Array, name = 'png'): RgbImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(`decodePng: ${name} is not a PNG file (bad signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Uint8Array[] = [];
  for (let off = 8; off + 8 <= bytes.length; ) {
    const length = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    const body = bytes.subarray(off + 8, off + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      const depth = body[8];
      colourType = body[9];
      if (depth !== 8 || !(colourType in SAMPLES) || body[12] !== 0) {
        throw new Error(`decodePng: ${name}: only 8-bit, non-interlaced gray/gray+alpha/RGB/RGBA PNGs are supported, got bit depth ${depth}, colour type ${colourType}, interlace ${body[12]}`);
      }
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    off += 12 + length;
  }
  if (colourType < 0 || idat.length === 0) throw new Error(`decodePng: ${name} has no IHDR or no IDAT chunk`);
  const samples = SAMPLES[colourType];
  const stride = width * samples;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < height * (stride + 1)) throw new Error(`decodePng: ${name}: image data is ${raw.length} bytes, ${height * (stride + 1)} expected`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= samples ? pixels[out + x - samples] : 0;
      const b = y > 0 ? pixels[out - stride + x] : 0;
      const c = x >= samples && y > 0 ? pixels[out - stride + x - samples] : 0;
      let predictor: number;
      if (filter === 0) predictor = 0;
      else if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) predictor = paeth(a, b, c);
      else throw new Error(`decodePng: ${name}: unknown filter type ${filter} on row ${y}`);
      pixels[out + x] = (line[x] + predictor) & 0xff;
    }
  }
  if (colourType === 4) {
    const gray = new Uint8Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = pixels[2 * i];
    return { width, height, channels: 1, data: gray };
  }
  return { width, height, channels: samples as 1 | 3 | 4, data: pixels };
}
