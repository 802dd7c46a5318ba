import type { RgbImage } from './image.js';

export interface ImageGridOptions {
  /** Images per row; default ceil(sqrt(n)). */
  columns?: number;
  /** Pixels between tiles and around the grid; default 2. */
  padding?: number;
  /** Gray level (0-255) of the padding; default 255 (white). */
  background?: number;
  /** Value range of the input mapped to 0..255; default [0, 1] (use [-1, 1] for tanh generators). */
  range?: [number, number];
}

/**
 * Lays out `n` images of `height x width x channels` floats (NHWC, as a
 * model outputs them) as one 8-bit grid image, values clipped to `range`.
 */
export function imageGrid(
  pixels: ArrayLike<number>,
  shape: readonly [n: number, height: number, width: number, channels: number],
  options: ImageGridOptions = {},
): RgbImage {
  const [n, h, w, c] = shape;
  if (![n, h, w].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`imageGrid: shape must be positive integers [n, height, width, channels], got [${shape.join(', ')}]`);
  }
  if (c !== 1 && c !== 3 && c !== 4) throw new Error(`imageGrid: channels must be 1, 3 or 4, got ${c}`);
  if (pixels.length !== n * h * w * c) {
    throw new Error(`imageGrid: pixels has ${pixels.length} values, shape [${shape.join(', ')}] needs ${n * h * w * c}`);
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`imageGrid: columns must be a positive integer, got ${columns}`);
  const pad = options.padding ?? 2;
  const [lo, hi] = options.range ?? [0, 1];
  if (!(hi > lo)) throw new Error(`imageGrid: range must be [lo, hi] with hi > lo, got [${lo}, ${hi}]`);
  const rows = Math.ceil(n / columns);
  const width = columns * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const data = new Uint8Array(width * height * c).fill(options.background ?? 255);
  const scale = 255 / (hi - lo);
  for (let i = 0; i < n; i++) {
    const x0 = pad + (i % columns) * (w + pad);
    const y0 = pad + Math.floor(i / columns) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          const v = (pixels[((i * h + y) * w + x) * c + k]! - lo) * scale;
          // NaN maps to 0 so a diverged generator shows as black, not as a crash.
          data[((y0 + y) * width + x0 + x) * c + k] = v > 255 ? 255 : v > 0 ? Math.round(v) : 0;
        }
      }
    }
  }
  return { width, height, channels: c, data };
}
