import { checkImage, type RgbImage } from './image.js';

export interface GifOptions {
  /** Time each frame is shown, in milliseconds (GIF stores hundredths); default 100. */
  delayMs?: number;
  /** Play forever (NETSCAPE2.0 loop extension); default true. */
  loop?: boolean;
}

// A fixed 6x7x6 colour cube (252 colours, green finest as the eye is most
// sensitive to it) padded to 256 entries: no per-animation palette search,
// and the same colour maps to the same index in every frame.
const LEVELS = [6, 7, 6] as const;

function paletteIndex(r: number, g: number, b: number): number {
  const q = (v: number, n: number) => Math.round((v * (n - 1)) / 255);
  return (q(r, LEVELS[0]) * LEVELS[1] + q(g, LEVELS[1])) * LEVELS[2] + q(b, LEVELS[2]);
}

function palette(): Uint8Array {
  const p = new Uint8Array(256 * 3);
  let i = 0;
  for (let r = 0; r < LEVELS[0]; r++) {
    for (let g = 0; g < LEVELS[1]; g++) {
      for (let b = 0; b < LEVELS[2]; b++) {
        p[i++] = Math.round((r * 255) / (LEVELS[0] - 1));
        p[i++] = Math.round((g * 255) / (LEVELS[1] - 1));
        p[i++] = Math.round((b * 255) / (LEVELS[2] - 1));
      }
    }
  }
  return p;
}

/** GIF's variable-width LZW (codes of up to 12 bits, packed LSB first), for 8-bit indices. */
function lzw(indices: Uint8Array): Uint8Array {
  const minCodeSize = 8;
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const out: number[] = [];
  let bitBuf = 0;
  let bitLen = 0;
  let width = minCodeSize + 1;
  const emit = (code: number) => {
    bitBuf |= code << bitLen;
    bitLen += width;
    while (bitLen >= 8) {
      out.push(bitBuf & 0xff);
      bitBuf >>>= 8;
      bitLen -= 8;
    }
  };
  let dict = new Map<number, number>();
  let next = end + 1;
  emit(clear);
  let prefix = indices[0]!;
  for (let i = 1; i < indices.length; i++) {
    const k = indices[i]!;
    const key = prefix * 256 + k;
    const code = dict.get(key);
    if (code !== undefined) {
      prefix = code;
      continue;
    }
    emit(prefix);
    if (next < 4096) {
      dict.set(key, next++);
      // The decoder widens one code later than the encoder adds the entry.
      if (next > 1 << width && width < 12) width++;
    } else {
      emit(clear);
      dict = new Map();
      next = end + 1;
      width = minCodeSize + 1;
    }
    prefix = k;
  }
  emit(prefix);
  emit(end);
  if (bitLen > 0) out.push(bitBuf & 0xff);
  return Uint8Array.from(out);
}

/**
 * Encodes frames of equal size as an animated GIF89a (global 252-colour cube
 * palette, LZW-compressed): a reenactment video a browser plays inline.
 */
export function encodeGif(frames: readonly RgbImage[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: frames must not be empty');
  const { width, height } = frames[0]!;
  if (width > 0xffff || height > 0xffff) throw new Error(`encodeGif: frames must be at most 65535 pixels on a side, got ${width}x${height}`);
  frames.forEach((f, i) => {
    checkImage(f, `encodeGif: frame ${i}`);
    if (f.width !== width || f.height !== height) {
      throw new Error(`encodeGif: every frame must be ${width}x${height} like frame 0, frame ${i} is ${f.width}x${f.height}`);
    }
  });
  const delay = Math.round((options.delayMs ?? 100) / 10);
  const bytes: number[] = [];
  const u16 = (v: number) => bytes.push(v & 0xff, (v >> 8) & 0xff);
  for (const ch of 'GIF89a') bytes.push(ch.charCodeAt(0));
  u16(width);
  u16(height);
  bytes.push(0xf7, 0, 0); // global colour table of 2^(7+1) entries, 8 bits per primary
  bytes.push(...palette());
  if (options.loop ?? true) {
    bytes.push(0x21, 0xff, 11, ...Array.from('NETSCAPE2.0', (ch) => ch.charCodeAt(0)), 3, 1, 0, 0, 0);
  }
  for (const f of frames) {
    bytes.push(0x21, 0xf9, 4, 0x04, delay & 0xff, (delay >> 8) & 0xff, 0, 0); // graphic control: keep frame, delay
    bytes.push(0x2c);
    u16(0);
    u16(0);
    u16(width);
    u16(height);
    bytes.push(0); // no local colour table, not interlaced
    const idx = new Uint8Array(width * height);
    const c = f.channels;
    for (let p = 0; p < idx.length; p++) {
      const r = f.data[p * c]!;
      idx[p] = c >= 3 ? paletteIndex(r, f.data[p * c + 1]!, f.data[p * c + 2]!) : paletteIndex(r, r, r);
    }
    bytes.push(8);
    const data = lzw(idx);
    for (let o = 0; o < data.length; o += 255) {
      const n = Math.min(255, data.length - o);
      bytes.push(n);
      for (let i = 0; i < n; i++) bytes.push(data[o + i]!);
    }
    bytes.push(0);
  }
  bytes.push(0x3b);
  return Uint8Array.from(bytes);
}
