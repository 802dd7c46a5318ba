import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { HEAD_CAMERA, loadFrameFolders, renderHead, randomIdentity, syntheticTalkingHeads, talkingHeadPoses } from '../src/index.js';

describe('syntheticTalkingHeads', () => {
  it('is seeded and renders frames in range with the head nearer than the backdrop', () => {
    const a = syntheticTalkingHeads({ videos: 2, frames: 3, size: 16, seed: 4 });
    const b = syntheticTalkingHeads({ videos: 2, frames: 3, size: 16, seed: 4 });
    expect(a.rgb[1]).toEqual(b.rgb[1]);
    expect(a.rgb[0]!.length).toBe(3 * 16 * 16 * 3);
    expect(a.rgb[0]!.every((v) => v >= 0 && v <= 1)).toBe(true);
    const d = a.depth[0]!;
    // Centre pixel is on the head: about distance - radius_z (~3 - 0.85); the corners hit the backdrop behind it.
    const centre = d[8 * 16 + 8]!;
    expect(centre).toBeGreaterThan(1.5);
    expect(centre).toBeLessThan(HEAD_CAMERA.distance);
    expect(d[0]!).toBeGreaterThan(centre + 1);
  });

  it('renders the head exactly where geometry puts it (hand-computed silhouette)', () => {
    // A sphere of radius 0.5 at distance 3 straight ahead: its silhouette has angular radius asin(0.5 / 3),
    // i.e. an image-plane radius f tan(asin(1/6)) = 2 * 0.16903 = 0.338 in [-1, 1] units.
    const id = { ...randomIdentity(1), radii: [0.5, 0.5, 0.5] as [number, number, number] };
    const pose = { yaw: 0, pitch: 0, roll: 0, tx: 0, ty: 0, tz: 0, mouth: 0 };
    const size = 101;
    const { depth, head } = renderHead(id, pose, size);
    const row = 50;
    let inside = 0;
    let masked = 0;
    for (let j = 0; j < size; j++) {
      if (depth[row * size + j]! < HEAD_CAMERA.distance) inside++;
      masked += head[row * size + j]!;
    }
    const radiusPx = (2 * Math.tan(Math.asin(1 / 6)) * (size - 1)) / 2;
    expect(Math.abs(inside - 2 * radiusPx)).toBeLessThanOrEqual(2);
    // The head mask keeps the pixels wholly on the head: the silhouette less at most one edge pixel per side.
    expect(inside - masked).toBeGreaterThanOrEqual(0);
    expect(inside - masked).toBeLessThanOrEqual(2);
    expect(depth[row * size + 50]).toBeCloseTo(2.5, 2);
  });

  it('moves the head and the mouth along the trajectory', () => {
    const poses = talkingHeadPoses(20, 3);
    const yaws = poses.map((p) => p.yaw);
    expect(Math.max(...yaws) - Math.min(...yaws)).toBeGreaterThan(0.1);
    expect(poses.some((p) => p.mouth > 0.5) && poses.some((p) => p.mouth === 0)).toBe(true);
    expect(() => syntheticTalkingHeads({ videos: 0, frames: 2, seed: 0 })).toThrow(/videos must be a positive integer/);
  });
});

describe('loadFrameFolders', () => {
  it('reads clips of PNG frames in numeric order', () => {
    const root = mkdtempSync(join(tmpdir(), 'dagan-frames-'));
    try {
      mkdirSync(join(root, 'clip_b'));
      mkdirSync(join(root, 'clip_a'));
      writeFileSync(join(root, 'notes.txt'), 'not a clip');
      // clip_a: three 2x3 RGB frames whose red channel encodes the frame number; written out of order, named 1, 2, 10.
      for (const t of [10, 1, 2]) {
        const data = new Uint8Array(2 * 3 * 3).fill(0);
        for (let p = 0; p < 6; p++) data[p * 3] = t * 20;
        writeFileSync(join(root, 'clip_a', `${t}.png`), encodePng({ width: 3, height: 2, channels: 3, data }));
      }
      // clip_b: one gray frame, expanded to RGB.
      writeFileSync(join(root, 'clip_b', '0.png'), encodePng({ width: 2, height: 2, channels: 1, data: Uint8Array.of(0, 51, 102, 255) }));
      const clips = loadFrameFolders(root);
      expect(clips.map((c) => [c.name, c.frames, c.height, c.width])).toEqual([
        ['clip_a', 3, 2, 3],
        ['clip_b', 1, 2, 2],
      ]);
      const a = clips[0]!.rgb;
      expect([a[0], a[18], a[36]].map((v) => Math.round(v! * 255))).toEqual([20, 40, 200]);
      expect(Array.from(clips[1]!.rgb.subarray(3, 6))).toEqual([0.2, 0.2, 0.2].map((v) => Math.fround(v)));
      writeFileSync(join(root, 'clip_b', '1.png'), encodePng({ width: 3, height: 2, channels: 1, data: new Uint8Array(6) }));
      expect(() => loadFrameFolders(root)).toThrow(/1\.png is 3x2, the clip's first frame is 2x2/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(() => loadFrameFolders(join(root, 'missing'))).toThrow(/cannot read folder/);
  });
});
