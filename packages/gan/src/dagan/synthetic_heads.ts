import { Rng, toRng } from '@proj/core';

/**
 * Synthetic talking-head videos: the stand-in for VoxCeleb, which cannot be
 * downloaded here. Each identity is a textured ellipsoid head (hair, eyes,
 * nose, a mouth that opens) in front of a patterned backdrop, ray-cast with a
 * pinhole camera; each video moves the head (yaw, pitch, roll, translation)
 * and opens and closes the mouth. The backdrop moves rigidly with the head
 * (a camera orbiting the subject), so the scene is rigid apart from the mouth
 * and monocular depth can be learned from the frames alone, as in monodepth's
 * moving-camera setting; the rendered depth is kept for evaluation only.
 */

/** Appearance of one synthetic person. */
export interface HeadIdentity {
  /** Ellipsoid semi-axes (x, y, z) in scene units. */
  radii: [number, number, number];
  skin: [number, number, number];
  hair: [number, number, number];
  iris: [number, number, number];
  lips: [number, number, number];
  backdrop: [[number, number, number], [number, number, number]];
  /** Spatial frequencies and phases of the skin and backdrop patterns. */
  pattern: [number, number, number, number];
  /** Amplitude of the skin's pattern, the texture photometric depth learning needs on the face (0 = flat skin). */
  skinContrast: number;
  /** Height of the hair line (-1 top of the head .. 0 equator). */
  hairLine: number;
  /** Horizontal offset of each eye from the face centre (direction units). */
  eyeSpacing: number;
}

/** Where the head is: rotation (radians), translation (scene units) and mouth opening in [0, 1]. */
export interface HeadPose {
  yaw: number;
  pitch: number;
  roll: number;
  tx: number;
  ty: number;
  tz: number;
  mouth: number;
}

/** The camera and scene constants shared by renderer and depth training. */
export const HEAD_CAMERA = {
  /** Focal length in normalized image units (x, y in [-1, 1] at the pixel centres): ~53 degree field of view. */
  focal: 2,
  /** Distance of the head centre from the camera. */
  distance: 3,
  /** Backdrop plane behind the head centre, in head coordinates. */
  backdrop: 1.6,
} as const;

/** One rendered frame: RGB in [0, 1] (HWC), camera-space depth (HW) and the head mask (HW, 1 where every sub-sample hits the head). */
export interface RenderedFrame {
  rgb: Float32Array;
  depth: Float32Array;
  head: Uint8Array;
}

const LIGHT = normalize([-0.45, -0.55, -0.7]);

function normalize(v: number[]): [number, number, number] {
  const n = Math.hypot(v[0]!, v[1]!, v[2]!);
  return [v[0]! / n, v[1]! / n, v[2]! / n];
}

/** Rotation matrix R = Rz(roll) Rx(pitch) Ry(yaw), row-major, mapping head to camera coordinates (X = R p + centre). */
export function headRotation(p: HeadPose): number[] {
  const [cy, sy, cp, sp, cr, sr] = [Math.cos(p.yaw), Math.sin(p.yaw), Math.cos(p.pitch), Math.sin(p.pitch), Math.cos(p.roll), Math.sin(p.roll)];
  const ry = [cy, 0, sy, 0, 1, 0, -sy, 0, cy];
  const rx = [1, 0, 0, 0, cp, -sp, 0, sp, cp];
  const rz = [cr, -sr, 0, sr, cr, 0, 0, 0, 1];
  return mul3(rz, mul3(rx, ry));
}

/** The head centre in camera coordinates. */
export function headCentre(p: HeadPose): [number, number, number] {
  return [p.tx, p.ty, HEAD_CAMERA.distance + p.tz];
}

/**
 * The camera motion from frame `a` to frame `b` as `reprojectionGrid` takes it,
 * (axis-angle, translation): X_b = R X_a + t with R = R_b R_a^T, t = c_b - R c_a.
 */
export function relativeCameraMotion(a: HeadPose, b: HeadPose): number[] {
  const ra = headRotation(a);
  const rb = headRotation(b);
  const raT = [0, 3, 6, 1, 4, 7, 2, 5, 8].map((i) => ra[i]!);
  const R = mul3(rb, raT);
  const ca = headCentre(a);
  const t = headCentre(b).map((v, i) => v - (R[i * 3]! * ca[0] + R[i * 3 + 1]! * ca[1] + R[i * 3 + 2]! * ca[2]));
  const cos = Math.min(1, Math.max(-1, (R[0]! + R[4]! + R[8]! - 1) / 2));
  const theta = Math.acos(cos);
  const k = theta < 1e-9 ? 0.5 : theta / (2 * Math.sin(theta));
  return [k * (R[7]! - R[5]!), k * (R[2]! - R[6]!), k * (R[3]! - R[1]!), ...t];
}

function mul3(a: number[], b: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) out[i * 3 + j]! += a[i * 3 + k]! * b[k * 3 + j]!;
  return out;
}

function mix(a: number[], b: number[], t: number): [number, number, number] {
  return [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t, a[2]! + (b[2]! - a[2]!) * t];
}

/** The colour of the head surface at unit direction u (head coordinates; the face looks along -z, y points down). */
function headColour(id: HeadIdentity, u: [number, number, number], mouth: number): [number, number, number] {
  const [x, y, z] = u;
  const [f1, f2, ph] = id.pattern;
  let c: [number, number, number] = mix(id.skin, [1, 1, 1], id.skinContrast * Math.sin(f1 * x + ph) * Math.sin(f2 * y));
  if (y < id.hairLine + 0.12 * Math.sin(5 * Math.atan2(x, -z)) || z > 0.55) return mix(id.hair, [0, 0, 0], 0.25 * (0.5 + 0.5 * Math.sin(f2 * 3 * x)));
  if (z < 0) {
    for (const side of [-1, 1]) {
      const d = Math.hypot(x - side * id.eyeSpacing, (y + 0.18) * 1.3);
      if (d < 0.15) return d < 0.075 ? (d < 0.035 ? [0.02, 0.02, 0.02] : id.iris) : [0.95, 0.95, 0.92];
      const brow = Math.hypot((x - side * id.eyeSpacing) * 0.6, y + 0.38);
      if (brow < 0.05) return mix(id.hair, [0, 0, 0], 0.3);
    }
    const nose = Math.hypot(x * 1.6, y - 0.08);
    if (nose < 0.07) c = mix(c, [0.3, 0.15, 0.1], 0.35);
    const open = 0.025 + 0.11 * mouth;
    const m = (x / 0.26) ** 2 + ((y - 0.4) / open) ** 2;
    if (m < 1) return [0.25, 0.02, 0.05];
    const lip = (x / 0.3) ** 2 + ((y - 0.4) / (open + 0.05)) ** 2;
    if (lip < 1) return id.lips;
  }
  return c;
}

/**
 * Ray-casts one frame of `size` x `size` pixels (2x2 supersampled). Depth is
 * the camera-space z of the visible surface, as depth networks predict it.
 */
export function renderHead(id: HeadIdentity, pose: HeadPose, size: number): RenderedFrame {
  if (!(Number.isInteger(size) && size >= 4)) throw new Error(`renderHead: size must be an integer >= 4, got ${size}`);
  const rgb = new Float32Array(size * size * 3);
  const depth = new Float32Array(size * size);
  const head = new Uint8Array(size * size);
  const R = headRotation(pose);
  const centre = headCentre(pose);
  // Camera origin and rays in head coordinates: o = R^T (0 - centre), d = R^T ray.
  const o = [0, 1, 2].map((j) => -(R[j]! * centre[0]! + R[3 + j]! * centre[1]! + R[6 + j]! * centre[2]!));
  const [a, b, c] = id.radii;
  const sub = [-0.25, 0.25];
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let r = 0, g = 0, bl = 0, dep = 0, hits = 0;
      for (const si of sub) {
        for (const sj of sub) {
          const gx = (2 * (j + sj)) / (size - 1) - 1;
          const gy = (2 * (i + si)) / (size - 1) - 1;
          const ray = [gx / HEAD_CAMERA.focal, gy / HEAD_CAMERA.focal, 1];
          const d = [0, 1, 2].map((k) => R[k]! * ray[0]! + R[3 + k]! * ray[1]! + R[6 + k]! * ray[2]!);
          // |(o + t d) / radii| = 1.
          const od = [o[0]! / a, o[1]! / b, o[2]! / c];
          const dd = [d[0]! / a, d[1]! / b, d[2]! / c];
          const qa = dd[0]! ** 2 + dd[1]! ** 2 + dd[2]! ** 2;
          const qb = 2 * (od[0]! * dd[0]! + od[1]! * dd[1]! + od[2]! * dd[2]!);
          const qc = od[0]! ** 2 + od[1]! ** 2 + od[2]! ** 2 - 1;
          const disc = qb * qb - 4 * qa * qc;
          let col: [number, number, number];
          let t: number;
          if (disc > 0) {
            hits++;
            t = (-qb - Math.sqrt(disc)) / (2 * qa);
            const p = [o[0]! + t * d[0]!, o[1]! + t * d[1]!, o[2]! + t * d[2]!];
            const u = normalize([p[0]! / a, p[1]! / b, p[2]! / c]);
            const n = normalize([p[0]! / (a * a), p[1]! / (b * b), p[2]! / (c * c)]);
            // Light fixed to the head: brightness constancy holds as the head moves.
            const shade = 0.45 + 0.55 * Math.max(0, n[0] * LIGHT[0] + n[1] * LIGHT[1] + n[2] * LIGHT[2]);
            col = headColour(id, u, pose.mouth).map((v) => v * shade) as [number, number, number];
          } else {
            t = (HEAD_CAMERA.backdrop - o[2]!) / d[2]!;
            const px = o[0]! + t * d[0]!;
            const py = o[1]! + t * d[1]!;
            const [, , ph, f] = id.pattern;
            const s = 0.5 + 0.5 * Math.sin(f * px + ph) * Math.sin(f * 0.8 * py);
            col = mix(id.backdrop[0], id.backdrop[1], s);
          }
          r += col[0];
          g += col[1];
          bl += col[2];
          dep += t; // ray z-component is 1, so t is the camera-space depth
        }
      }
      const k = i * size + j;
      rgb[k * 3] = r / 4;
      rgb[k * 3 + 1] = g / 4;
      rgb[k * 3 + 2] = bl / 4;
      depth[k] = dep / 4;
      head[k] = hits === 4 ? 1 : 0;
    }
  }
  return { rgb, depth, head };
}

/** Names of the landmarks `headLandmarks` returns, in order. */
export const HEAD_LANDMARKS = ['left eye', 'right eye', 'nose', 'mouth left', 'mouth right', 'upper lip', 'lower lip'] as const;

/**
 * Where the face's landmarks appear in the image: (x, y) pairs in [-1, 1]
 * (gridSample's convention), for AKD-style evaluation, the role of the face
 * landmark detector in FOMM's AKD. The lips follow the mouth opening.
 */
export function headLandmarks(id: HeadIdentity, pose: HeadPose): Float32Array {
  const open = 0.025 + 0.11 * pose.mouth;
  const dirs: [number, number][] = [
    [-id.eyeSpacing, -0.18],
    [id.eyeSpacing, -0.18],
    [0, 0.08],
    [-0.26, 0.4],
    [0.26, 0.4],
    [0, 0.4 - open],
    [0, 0.4 + open],
  ];
  const R = headRotation(pose);
  const c = headCentre(pose);
  const out = new Float32Array(dirs.length * 2);
  dirs.forEach(([x, y], k) => {
    // The surface point whose scaled direction is u: p = radii * u with |u| = 1, facing the camera (z < 0).
    const p = [x * id.radii[0], y * id.radii[1], -Math.sqrt(Math.max(0, 1 - x * x - y * y)) * id.radii[2]];
    const X = [0, 1, 2].map((i) => R[i * 3]! * p[0]! + R[i * 3 + 1]! * p[1]! + R[i * 3 + 2]! * p[2]! + c[i]!);
    out[k * 2] = (HEAD_CAMERA.focal * X[0]!) / X[2]!;
    out[k * 2 + 1] = (HEAD_CAMERA.focal * X[1]!) / X[2]!;
  });
  return out;
}

/** Default amplitude of the skin pattern (see `HeadIdentity.skinContrast`). */
export const SKIN_CONTRAST = 0.08;

/** A random person: head shape, skin, hair, eyes, lips and backdrop. */
export function randomIdentity(seed: number | Rng, skinContrast = SKIN_CONTRAST): HeadIdentity {
  const rng = toRng(seed);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const colour = (lo: number, hi: number): [number, number, number] => [u(lo, hi), u(lo, hi), u(lo, hi)];
  const tone = u(0.35, 0.95);
  return {
    radii: [u(0.72, 0.9), u(0.92, 1.1), u(0.8, 0.95)],
    skin: [tone, tone * u(0.7, 0.85), tone * u(0.55, 0.7)],
    hair: colour(0.05, 0.7),
    iris: colour(0.1, 0.6),
    lips: [u(0.55, 0.85), u(0.15, 0.35), u(0.2, 0.35)],
    backdrop: [colour(0.1, 0.9), colour(0.1, 0.9)],
    pattern: [u(4, 12), u(4, 12), u(0, 2 * Math.PI), u(3, 7)],
    skinContrast,
    hairLine: u(-0.75, -0.5),
    eyeSpacing: u(0.3, 0.4),
  };
}

/** Motion ranges of `talkingHeadPoses` (radians and scene units). */
export interface HeadMotion {
  yaw: number;
  pitch: number;
  roll: number;
  shift: number;
  zoom: number;
}

/** Default motion: moderate head turns, as in frontal talking-head clips. */
export const DEFAULT_HEAD_MOTION: HeadMotion = { yaw: 0.45, pitch: 0.2, roll: 0.12, shift: 0.2, zoom: 0.25 };

/** A smooth random trajectory of `frames` poses: sinusoids of random frequency and phase, and a mouth that opens and closes. */
export function talkingHeadPoses(frames: number, seed: number | Rng, motion: HeadMotion = DEFAULT_HEAD_MOTION): HeadPose[] {
  const rng = toRng(seed);
  const wave = (amp: number) => {
    const w = 0.15 + 0.35 * rng.uniform();
    const ph = 2 * Math.PI * rng.uniform();
    const off = amp * 0.3 * (2 * rng.uniform() - 1);
    return (t: number) => off + amp * Math.sin(w * t + ph);
  };
  const [yaw, pitch, roll, tx, ty, tz] = [motion.yaw, motion.pitch, motion.roll, motion.shift, motion.shift, motion.zoom].map(wave);
  const mw = 0.5 + 0.6 * rng.uniform();
  const mph = 2 * Math.PI * rng.uniform();
  return Array.from({ length: frames }, (_, t) => ({
    yaw: yaw!(t),
    pitch: pitch!(t),
    roll: roll!(t),
    tx: tx!(t),
    ty: ty!(t),
    tz: tz!(t),
    mouth: Math.max(0, Math.sin(mw * t + mph)),
  }));
}

/** A set of videos: frames [video][t] as RGB HWC in [0, 1] and depth HW. */
export interface TalkingHeadVideos {
  size: number;
  frames: number;
  /** rgb[v] holds frames * size * size * 3 values. */
  rgb: Float32Array[];
  /** depth[v] holds frames * size * size values. */
  depth: Float32Array[];
  /** head[v]: frames * size * size head-mask values (1 on the head), for depth evaluation on the face. */
  head: Uint8Array[];
  identities: HeadIdentity[];
  poses: HeadPose[][];
}

export interface SyntheticHeadsOptions {
  videos: number;
  frames: number;
  /** Image side; default 64 (the resolution). */
  size?: number;
  motion?: HeadMotion;
  /** Skin pattern amplitude of every identity; default `SKIN_CONTRAST`. */
  skinContrast?: number;
  seed: number | Rng;
}

/** Renders `videos` clips of `frames` frames, one new identity per clip. */
export function syntheticTalkingHeads(options: SyntheticHeadsOptions): TalkingHeadVideos {
  const { videos, frames } = options;
  const size = options.size ?? 64;
  if (!(Number.isInteger(videos) && videos >= 1)) throw new Error(`syntheticTalkingHeads: videos must be a positive integer, got ${videos}`);
  if (!(Number.isInteger(frames) && frames >= 2)) throw new Error(`syntheticTalkingHeads: frames must be an integer >= 2, got ${frames}`);
  const rng = toRng(options.seed);
  const out: TalkingHeadVideos = { size, frames, rgb: [], depth: [], head: [], identities: [], poses: [] };
  for (let v = 0; v < videos; v++) {
    const id = randomIdentity(rng.split(), options.skinContrast);
    const poses = talkingHeadPoses(frames, rng.split(), options.motion);
    const rgb = new Float32Array(frames * size * size * 3);
    const depth = new Float32Array(frames * size * size);
    const head = new Uint8Array(frames * size * size);
    poses.forEach((p, t) => {
      const f = renderHead(id, p, size);
      rgb.set(f.rgb, t * size * size * 3);
      depth.set(f.depth, t * size * size);
      head.set(f.head, t * size * size);
    });
    out.rgb.push(rgb);
    out.depth.push(depth);
    out.head.push(head);
    out.identities.push(id);
    out.poses.push(poses);
  }
  return out;
}
