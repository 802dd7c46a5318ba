import { inflateSync } from 'node:zlib';
import type { RgbImage } from './image.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Colour type -> samples per pixel (ISO 15948 11.2.2); gray+alpha (4) is read as gray.
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Decodes an 8-bit, non-interlaced PNG (gray, RGB, gray+alpha, RGBA; all five
 * scanline filters): the form video frames take when a clip is dumped to a
 * folder of images (e.g. `ffmpeg -i clip.mp4 %05d.png`). Gray+alpha drops
 * the alpha channel. Other bit depths, palettes and interlacing are refused
 * with a clear error that names the file as `name`.
 */
export function decodePng(bytes: Uint8Array, name = 'png'): RgbImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new Error(`decodePng: ${name} is not a PNG file (bad signature)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Uint8Array[] = [];
  for (let off = 8; off + 8 <= bytes.length; ) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...bytes.subarray(off + 4, off + 8));
    const body = bytes.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(off + 8);
      height = view.getUint32(off + 12);
      const depth = body[8];
      colourType = body[9]!;
      if (depth !== 8 || !(colourType in SAMPLES) || body[12] !== 0) {
        throw new Error(`decodePng: ${name}: only 8-bit non-interlaced gray/RGB/RGBA PNGs are supported, got bit depth ${depth}, colour type ${colourType}, interlace ${body[12]}`);
      }
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  if (!(width > 0 && height > 0) || idat.length === 0) throw new Error(`decodePng: ${name} has no IHDR or no IDAT chunk`);
  const raw = inflateSync(Buffer.concat(idat));
  const spp = SAMPLES[colourType]!;
  const stride = width * spp;
  if (raw.length < height * (stride + 1)) throw new Error(`decodePng: ${name}: image data too short for ${width}x${height}`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= spp ? pixels[row + i - spp]! : 0;
      const b = y > 0 ? pixels[row - stride + i]! : 0;
      const c = i >= spp && y > 0 ? pixels[row - stride + i - spp]! : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) throw new Error(`decodePng: ${name}: bad filter type ${filter} on row ${y}`);
      pixels[row + i] = (line[i]! + predictor) & 0xff;
    }
  }
  if (spp !== 2) return { width, height, channels: spp as 1 | 3 | 4, data: pixels };
  const gray = new Uint8Array(width * height);
  for (let p = 0; p < gray.length; p++) gray[p] = pixels[p * 2]!;
  return { width, height, channels: 1, data: gray };
}
