import { tf } from '@proj/core';
import type { ParameterFactory } from '../network.js';

/**
 * The convolution blocks FOMM and DaGAN build every network from
 * (modules/util.py: SameBlock2d, DownBlock2d, UpBlock2d, Hourglass), at the
 * size a CPU trains. Changes, all for speed on tfjs's CPU backend: no batch
 * norm (small networks from He init), a stride-2 conv to downsample (FOMM:
 * conv then 2x2 average pool), upsampling either by a stride-2 transposed
 * conv (`'transposed'`, cheaper) or as FOMM's UpBlock2d, nearest 2x
 * upsampling then a 3x3 conv (`'nearest'`, no checkerboard), and channel
 * concatenation replaced by
 * its equivalent: a layer fed [a, b] convolves each part with its own slice
 * of the kernel and sums, conv([a, b], [Wa; Wb]) = conv(a, Wa) + conv(b, Wb),
 * which avoids tfjs's Concat and its slow SplitV gradient.
 */
export type Block = (parts: readonly tf.Tensor4D[]) => tf.Tensor4D;

/** `k x k` conv (padding 'same') over the channel-concatenation of `parts`, with bias and optional ReLU. */
export function convLayer(f: ParameterFactory, name: string, k: number, cins: readonly number[], cout: number, stride = 1, relu = true): Block {
  const total = cins.reduce((a, b) => a + b, 0);
  const ws = cins.map((c, i) => f.kernel(`${name}/part${i}`, [k, k, c, cout], k * k * total));
  const b = f.bias(name, cout);
  return (parts) => {
    if (parts.length !== cins.length) throw new Error(`${name}: expects ${cins.length} input parts, got ${parts.length}`);
    let y = tf.conv2d(parts[0]!, ws[0] as tf.Tensor4D, stride, 'same') as tf.Tensor4D;
    for (let i = 1; i < parts.length; i++) y = tf.add(y, tf.conv2d(parts[i]!, ws[i] as tf.Tensor4D, stride, 'same'));
    y = tf.add(y, b);
    return relu ? tf.relu(y) : y;
  };
}

/** Multiplies the initial kernels of `convLayer` `name` (every part) by `factor`: a smaller start than He's for an output layer. */
export function scaleInitialKernel(f: ParameterFactory, name: string, factor: number): void {
  const prefix = `${f.scope}/${name}/part`;
  for (const [n, v] of Object.entries(f.variables)) {
    if (n.startsWith(prefix) && n.endsWith('/kernel')) tf.tidy(() => v.assign(tf.mul(v, factor)));
  }
}

/** 4x4 stride-2 transposed conv + ReLU over the concatenation of `parts`: doubles height and width. */
export function upLayer(f: ParameterFactory, name: string, cins: readonly number[], cout: number): Block {
  const total = cins.reduce((a, b) => a + b, 0);
  // Transposed-conv kernels are [kh, kw, out, in]; fan-in per output is kh kw in / stride^2.
  const ws = cins.map((c, i) => f.kernel(`${name}/part${i}`, [4, 4, cout, c], 4 * total));
  const b = f.bias(name, cout);
  return (parts) => {
    const [n, h, w] = parts[0]!.shape;
    let y: tf.Tensor4D = tf.conv2dTranspose(parts[0]!, ws[0] as tf.Tensor4D, [n, 2 * h, 2 * w, cout], 2, 'same');
    for (let i = 1; i < parts.length; i++) y = tf.add(y, tf.conv2dTranspose(parts[i]!, ws[i] as tf.Tensor4D, [n, 2 * h, 2 * w, cout], 2, 'same'));
    return tf.relu(tf.add(y, b)) as tf.Tensor4D;
  };
}

/**
 * Nearest-neighbour 2x upsampling [n, h, w, c] -> [n, 2h, 2w, c]
 * (F.interpolate(scale_factor=2) in FOMM's UpBlock2d), a broadcast product
 * with ones. Its gradient, the sum over each 2x2 block, is computed as 4 x
 * a 2x2 average pool: autograd's sum over the broadcast axes 2 and 4 of
 * [n, h, 2, w, 2, c] transposes first and is slow on the CPU backend.
 */
export const upsampleNearest2x = tf.customGrad(((x: tf.Tensor4D) => {
  const [n, h, w, c] = x.shape;
  return {
    value: tf.tidy(() => tf.reshape(tf.mul(tf.reshape(x, [n, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1])), [n, 2 * h, 2 * w, c])),
    gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.mul(tf.avgPool(dy as tf.Tensor4D, 2, 2, 'valid'), 4)),
  };
}) as unknown as Parameters<typeof tf.customGrad<tf.Tensor>>[0]) as unknown as (x: tf.Tensor4D) => tf.Tensor4D;

/** FOMM's UpBlock2d without batch norm: nearest 2x upsampling, then a 3x3 conv + ReLU over the concatenation of `parts`. */
export function upConvLayer(f: ParameterFactory, name: string, cins: readonly number[], cout: number): Block {
  const conv = convLayer(f, name, 3, cins, cout);
  return (parts) => conv(parts.map((p) => upsampleNearest2x(p)));
}

/** How a decoder doubles resolution: a 4x4 stride-2 transposed conv, or FOMM's nearest upsampling + 3x3 conv. */
export type Upsampling = 'transposed' | 'nearest';

/** The up block of `mode`. */
export function upBlock(mode: Upsampling, f: ParameterFactory, name: string, cins: readonly number[], cout: number): Block {
  return mode === 'nearest' ? upConvLayer(f, name, cins, cout) : upLayer(f, name, cins, cout);
}

/**
 * FOMM's Hourglass (U-Net): `levels` stride-2 conv blocks down, as many
 * transposed-conv blocks up, each up block's output joined with the encoder
 * map of its resolution. Returns the parts of FOMM's output, the input
 * joined with the last decoder map, as a list (`outChannels` per part); feed
 * them to `convLayer` as they are. `upsampling` chooses the up blocks
 * (default `'transposed'`).
 */
export function hourglass(
  f: ParameterFactory,
  name: string,
  cins: readonly number[],
  width: number,
  levels: number,
  maxWidth = 8 * width,
  upsampling: Upsampling = 'transposed',
): { apply: (parts: readonly tf.Tensor4D[]) => tf.Tensor4D[]; outChannels: number[] } {
  const chans = Array.from({ length: levels }, (_, i) => Math.min(maxWidth, width * 2 ** (i + 1)));
  const down = chans.map((c, i) => convLayer(f, `${name}/down${i}`, 3, i === 0 ? cins : [chans[i - 1]!], c, 2));
  const up: Block[] = [];
  let inC: number[] = [chans[levels - 1]!];
  for (let i = levels - 1; i >= 0; i--) {
    const outC = i === 0 ? width : chans[i - 1]!;
    up.push(upBlock(upsampling, f, `${name}/up${levels - 1 - i}`, inC, outC));
    inC = [outC, ...(i === 0 ? cins : [chans[i - 1]!])];
  }
  return {
    outChannels: inC,
    apply: (parts) => {
      const skips: tf.Tensor4D[][] = [[...parts]];
      let h: tf.Tensor4D[] = [...parts];
      for (const d of down) {
        h = [d(h)];
        skips.push(h);
      }
      skips.pop();
      for (const u of up) h = [u(h), ...skips.pop()!];
      return h;
    },
  };
}
