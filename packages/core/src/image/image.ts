/**
 * An 8-bit raster image, row-major, channels interleaved (HWC): the form in
 * which reports embed sample grids, attention maps and video frames.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** 1 = gray, 3 = RGB, 4 = RGBA. */
  channels: 1 | 3 | 4;
  /** `width * height * channels` bytes. */
  data: Uint8Array;
}

/** Throws a clear error unless `image` is a consistent 8-bit raster. */
export function checkImage(image: RgbImage, what = 'image'): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new Error(`${what}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`${what}: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw new Error(`${what}: data must be a Uint8Array of width*height*channels = ${width * height * channels} bytes`);
  }
}
