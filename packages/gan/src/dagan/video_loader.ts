import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng } from '@proj/core';

/** One clip: `frames` RGB frames in [0, 1], HWC, one after another. */
export interface VideoClip {
  name: string;
  frames: number;
  height: number;
  width: number;
  rgb: Float32Array;
}

/**
 * Reads videos stored as folders of frames, the layout FOMM and DaGAN train
 * on (`<root>/<clip>/<frame>.png`, as the VoxCeleb preprocessing of
 * AliaksandrSiarohin/video-preprocessing writes it): one clip per
 * sub-folder, frames in name order (numeric-aware: `2.png` before `10.png`).
 * mp4 clips are not read: no maintained pure-JS H.264 decoder installs from
 * the npm registry here; dump them to frames first (`ffmpeg -i clip.mp4 clip/%05d.png`).
 */
export function loadFrameFolders(root: string): VideoClip[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    throw new Error(`loadFrameFolders: cannot read folder ${JSON.stringify(root)}`);
  }
  const order = new Intl.Collator('en', { numeric: true });
  const clips: VideoClip[] = [];
  for (const name of entries.sort(order.compare)) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory()) continue;
    const files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.png')).sort(order.compare);
    if (files.length === 0) continue;
    let height = 0;
    let width = 0;
    let rgb = new Float32Array(0);
    files.forEach((file, t) => {
      const img = decodePng(readFileSync(join(dir, file)));
      if (t === 0) {
        ({ height, width } = img);
        rgb = new Float32Array(files.length * height * width * 3);
      } else if (img.height !== height || img.width !== width) {
        throw new Error(`loadFrameFolders: ${join(dir, file)} is ${img.width}x${img.height}, the clip's first frame is ${width}x${height}`);
      }
      const off = t * height * width * 3;
      for (let p = 0; p < height * width; p++) {
        for (let k = 0; k < 3; k++) rgb[off + p * 3 + k] = img.data[p * img.channels + (img.channels === 1 ? 0 : k)]! / 255;
      }
    });
    clips.push({ name, frames: files.length, height, width, rgb });
  }
  if (clips.length === 0) throw new Error(`loadFrameFolders: no sub-folder of ${JSON.stringify(root)} holds .png frames`);
  return clips;
}
