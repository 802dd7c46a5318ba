export { checkImage } from './image.js';
export type { RgbImage } from './image.js';
export { crc32, encodePng } from './png.js';
export { imageGrid } from './grid.js';
export type { ImageGridOptions } from './grid.js';
