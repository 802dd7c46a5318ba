export { checkImage } from './image.js';
export type { RgbImage } from './image.js';
export { crc32, encodePng } from './png.js';
export { imageGrid } from './grid.js';
export type { ImageGridOptions } from './grid.js';
export { ssim, psnr } from './ssim.js';
export type { SsimOptions } from './ssim.js';
export { encodeGif } from './gif.js';
export type { GifOptions } from './gif.js';
