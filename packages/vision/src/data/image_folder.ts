/**
 * Users' own whole images: a folder with one subfolder per class
 * (`root/<class>/*.png`, classes in sorted order), or PNGs directly in
 * `root` (one class 0). Images are turned to gray (ITU-R BT.601 luma,
 * alpha ignored), scaled to [0, 1] and must all have one size.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '@proj/core';

export interface ImageFolder {
  /** Row-major [n, height, width, 1] in [0, 1]. */
  images: Float32Array;
  imageShape: [number, number, 1];
  labels: Int32Array;
  /** Class names (subfolder names) in label order. */
  classes: string[];
  /** Path of every image, in order. */
  files: string[];
}

function pngsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.png'))
    .sort()
    .map((f) => join(dir, f));
}

export function loadImageFolder(root: string): ImageFolder {
  const subdirs = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory()).sort();
  const groups = subdirs.length > 0 ? subdirs.map((d) => pngsIn(join(root, d))) : [pngsIn(root)];
  const classes = subdirs.length > 0 ? subdirs : ['.'];
  const files = groups.flat();
  if (files.length === 0) throw new Error(`loadImageFolder: no .png files in ${root} or its subfolders`);
  let shape: [number, number] | null = null;
  const pixels: Float32Array[] = [];
  const labels = new Int32Array(files.length);
  let i = 0;
  groups.forEach((group, label) => {
    for (const file of group) {
      const img = decodePng(readFileSync(file), file);
      if (shape && (img.height !== shape[0] || img.width !== shape[1])) {
        throw new Error(`loadImageFolder: ${file} is ${img.height}x${img.width}, the first image ${shape[0]}x${shape[1]}; all images must have one size`);
      }
      shape = [img.height, img.width];
      const gray = new Float32Array(img.width * img.height);
      for (let p = 0; p < gray.length; p++) {
        const d = img.data;
        const c = img.channels;
        gray[p] = (c === 1 ? d[p] : 0.299 * d[p * c] + 0.587 * d[p * c + 1] + 0.114 * d[p * c + 2]) / 255;
      }
      pixels.push(gray);
      labels[i++] = label;
    }
  });
  const [h, w] = shape!;
  const images = new Float32Array(files.length * h * w);
  pixels.forEach((p, k) => images.set(p, k * h * w));
  return { images, imageShape: [h, w, 1], labels, classes, files };
}
