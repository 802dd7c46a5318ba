import * as tf from '../tf.js';

/**
 * Bilinear sampling of NHWC feature maps at the points of a grid, with
 * gradients for both the input and the grid: the differentiable warp of
 * spatial transformers, of First-Order Motion Model and of monocular depth
 * training (PyTorch's `grid_sample(mode='bilinear', padding_mode='zeros',
 * align_corners=True)`). tfjs has no such op.
 *
 * `grid[n, i, j] = (x, y)` in [-1, 1]: -1 is the centre of the first pixel
 * column/row and +1 the centre of the last (align_corners=True). Points
 * outside the input read zeros. Output: [n, gridHeight, gridWidth, channels].
 *
 * Forward and backward are plain loops over the arrays (O(n h w c)), which on
 * the CPU backends beat any composition of gather/tile ops by a wide margin.
 */
export function gridSample(input: tf.Tensor4D, grid: tf.Tensor4D): tf.Tensor4D {
  if (input.rank !== 4) throw new Error(`gridSample: input must be [n, height, width, channels], got shape [${input.shape.join(', ')}]`);
  if (grid.rank !== 4 || grid.shape[3] !== 2 || grid.shape[0] !== input.shape[0]) {
    throw new Error(
      `gridSample: grid must be [${input.shape[0]}, gridHeight, gridWidth, 2] (x, y in [-1, 1]), got [${grid.shape.join(', ')}]`,
    );
  }
  if (input.dtype !== 'float32' || grid.dtype !== 'float32') throw new Error('gridSample: input and grid must be float32');
  return sampler(input, grid) as tf.Tensor4D;
}

// customGrad passes its inputs then the save function as one rest list.
const sampler = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [input, grid, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([input, grid]);
  const [n, h, w, c] = input.shape as [number, number, number, number];
  const [, gh, gw] = grid.shape as [number, number, number, number];
  const x = input.dataSync() as Float32Array;
  const g = grid.dataSync() as Float32Array;
  const out = new Float32Array(n * gh * gw * c);
  forEachCorner(n, h, w, gh * gw, g, (b, o, idx, wt) => {
    const src = (b * h * w + idx) * c;
    const dst = (b * gh * gw + o) * c;
    for (let k = 0; k < c; k++) out[dst + k] += wt * x[src + k]!;
  });
  const value = tf.tensor4d(out, [n, gh, gw, c]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [xs, gs] = saved as [tf.Tensor, tf.Tensor];
    const xv = xs.dataSync() as Float32Array;
    const gv = gs.dataSync() as Float32Array;
    const d = dy.dataSync() as Float32Array;
    const dx = new Float32Array(xv.length);
    const dg = new Float32Array(gv.length);
    const sx = (w - 1) / 2;
    const sy = (h - 1) / 2;
    for (let b = 0; b < n; b++) {
      for (let o = 0; o < gh * gw; o++) {
        const gi = (b * gh * gw + o) * 2;
        const px = (gv[gi]! + 1) * sx;
        const py = (gv[gi + 1]! + 1) * sy;
        const x0 = Math.floor(px);
        const y0 = Math.floor(py);
        const fx = px - x0;
        const fy = py - y0;
        const dOff = (b * gh * gw + o) * c;
        let gx = 0;
        let gy = 0;
        for (let cy = 0; cy < 2; cy++) {
          const yy = y0 + cy;
          if (yy < 0 || yy >= h) continue;
          const wy = cy ? fy : 1 - fy;
          const dwy = cy ? 1 : -1;
          for (let cx = 0; cx < 2; cx++) {
            const xx = x0 + cx;
            if (xx < 0 || xx >= w) continue;
            const wx = cx ? fx : 1 - fx;
            const dwx = cx ? 1 : -1;
            const src = (b * h * w + yy * w + xx) * c;
            const wt = wx * wy;
            let dot = 0;
            for (let k = 0; k < c; k++) {
              const dk = d[dOff + k]!;
              dx[src + k] += wt * dk;
              dot += dk * xv[src + k]!;
            }
            gx += dwx * wy * dot;
            gy += wx * dwy * dot;
          }
        }
        dg[gi] = gx * sx;
        dg[gi + 1] = gy * sy;
      }
    }
    return [tf.tensor(dx, xs.shape), tf.tensor(dg, gs.shape)];
  };
  return { value, gradFunc };
}) as Parameters<typeof tf.customGrad<tf.Tensor4D>>[0]);

/** Calls `fn(batch, outputIndex, inputPixelIndex, weight)` for each in-bounds bilinear corner of each grid point. */
function forEachCorner(
  n: number,
  h: number,
  w: number,
  points: number,
  g: Float32Array,
  fn: (b: number, o: number, idx: number, wt: number) => void,
): void {
  const sx = (w - 1) / 2;
  const sy = (h - 1) / 2;
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < points; o++) {
      const gi = (b * points + o) * 2;
      const px = (g[gi]! + 1) * sx;
      const py = (g[gi + 1]! + 1) * sy;
      if (!(px > -1 && px < w && py > -1 && py < h)) continue; // also skips NaN
      const x0 = Math.floor(px);
      const y0 = Math.floor(py);
      const fx = px - x0;
      const fy = py - y0;
      if (y0 >= 0) {
        if (x0 >= 0) fn(b, o, y0 * w + x0, (1 - fx) * (1 - fy));
        if (x0 + 1 < w) fn(b, o, y0 * w + x0 + 1, fx * (1 - fy));
      }
      if (y0 + 1 < h) {
        if (x0 >= 0) fn(b, o, (y0 + 1) * w + x0, (1 - fx) * fy);
        if (x0 + 1 < w) fn(b, o, (y0 + 1) * w + x0 + 1, fx * fy);
      }
    }
  }
}

/**
 * The identity grid [1, height, width, 2] of `gridSample` (x then y, each
 * from -1 to 1): sampling by it returns the input unchanged.
 */
export function identityGrid(height: number, width: number): tf.Tensor4D {
  if (!(Number.isInteger(height) && height >= 1 && Number.isInteger(width) && width >= 1)) {
    throw new Error(`identityGrid: height and width must be positive integers, got ${height}x${width}`);
  }
  const v = new Float32Array(height * width * 2);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      v[(i * width + j) * 2] = width > 1 ? (2 * j) / (width - 1) - 1 : 0;
      v[(i * width + j) * 2 + 1] = height > 1 ? (2 * i) / (height - 1) - 1 : 0;
    }
  }
  return tf.tensor4d(v, [1, height, width, 2]);
}
