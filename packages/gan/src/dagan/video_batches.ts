import { Rng, tf } from '@proj/core';

/** Clips as frame arrays: `frames` RGB frames of `size x size` pixels, HWC in [0, 1], one after another. */
export interface Clip {
  frames: number;
  rgb: Float32Array;
}

function checkClips(what: string, clips: readonly Clip[], size: number, minFrames: number): void {
  if (clips.length === 0) throw new Error(`${what}: clips must not be empty`);
  clips.forEach((c, i) => {
    if (c.frames < minFrames) throw new Error(`${what}: clip ${i} has ${c.frames} frames, need at least ${minFrames}`);
    if (c.rgb.length !== c.frames * size * size * 3) throw new Error(`${what}: clip ${i} must hold frames*${size}*${size}*3 values, got ${c.rgb.length}`);
  });
}

function stack(clips: readonly Clip[], picks: [number, number][], size: number): tf.Tensor4D {
  const per = size * size * 3;
  const out = new Float32Array(picks.length * per);
  picks.forEach(([c, t], i) => out.set(clips[c]!.rgb.subarray(t * per, (t + 1) * per), i * per));
  return tf.tensor4d(out, [picks.length, size, size, 3]);
}

/**
 * A batch of consecutive frame triplets (t-1, t, t+1) from random clips, as
 * monodepth2 trains on: the middle frame is the target, its neighbours the
 * sources it is reconstructed from.
 */
export function frameTriplets(clips: readonly Clip[], size: number, batchSize: number, rng: Rng): { prev: tf.Tensor4D; target: tf.Tensor4D; next: tf.Tensor4D } {
  checkClips('frameTriplets', clips, size, 3);
  const mids: [number, number][] = Array.from({ length: batchSize }, () => {
    const c = rng.int(clips.length);
    return [c, 1 + rng.int(clips[c]!.frames - 2)];
  });
  return {
    prev: stack(clips, mids.map(([c, t]) => [c, t - 1]), size),
    target: stack(clips, mids, size),
    next: stack(clips, mids.map(([c, t]) => [c, t + 1]), size),
  };
}

/**
 * A batch of (source, driving) frame pairs, two random frames of the same
 * clip each: FOMM's self-supervised reconstruction training, where the
 * driving frame is both the motion to transfer and the target.
 */
export function framePairs(clips: readonly Clip[], size: number, batchSize: number, rng: Rng): { source: tf.Tensor4D; driving: tf.Tensor4D } {
  checkClips('framePairs', clips, size, 2);
  const pairs = Array.from({ length: batchSize }, () => {
    const c = rng.int(clips.length);
    const a = rng.int(clips[c]!.frames);
    const b = (a + 1 + rng.int(clips[c]!.frames - 1)) % clips[c]!.frames;
    return [c, a, b] as const;
  });
  return {
    source: stack(clips, pairs.map(([c, a]) => [c, a]), size),
    driving: stack(clips, pairs.map(([c, , b]) => [c, b]), size),
  };
}
