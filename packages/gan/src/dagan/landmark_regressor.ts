import { adam, Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer } from './conv_blocks.js';

/**
 * An independent landmark detector for the AKD metric: FOMM measures AKD
 * with a pretrained face-landmark detector on the generated and the driving
 * frame; here a small CNN is trained by regression on rendered frames with
 * their true landmark positions (`headLandmarks`), and it is the same
 * detector for DaGAN and the baseline.
 */
export interface LandmarkRegressor extends Network {
  readonly numLandmarks: number;
  /** [n, h, w, 3] -> [n, numLandmarks, 2] in [-1, 1]. */
  apply(x: tf.Tensor): tf.Tensor3D;
}

export interface LandmarkTrainingOptions {
  steps: number;
  batchSize: number;
  learningRate?: number;
  width?: number;
  seed: number | Rng;
}

/**
 * Trains on frames [m, h, w, 3] (flat HWC) with landmarks [m, k, 2]; returns
 * the regressor and its mean landmark error on the last fifth of the steps
 * (in [-1, 1] units).
 */
export function trainLandmarkRegressor(
  frames: Float32Array,
  landmarks: Float32Array,
  size: number,
  numLandmarks: number,
  options: LandmarkTrainingOptions,
): { regressor: LandmarkRegressor; trainError: number } {
  const per = size * size * 3;
  const m = frames.length / per;
  if (!Number.isInteger(m) || landmarks.length !== m * numLandmarks * 2) {
    throw new Error(`trainLandmarkRegressor: frames must be m*${size}*${size}*3 values and landmarks m*${numLandmarks}*2, got ${frames.length} and ${landmarks.length}`);
  }
  const rng = toRng(options.seed);
  const width = options.width ?? 8;
  const f = new ParameterFactory('landmarks', rng.split(), 'he');
  const levels = 4;
  const convs = Array.from({ length: levels }, (_, i) => convLayer(f, `conv${i}`, 3, [i === 0 ? 3 : width * 2 ** (i - 1)], width * 2 ** i, 2));
  const flat = (size / 2 ** levels) ** 2 * width * 2 ** (levels - 1);
  const head = f.kernel('head', [flat, numLandmarks * 2]);
  const headB = f.bias('head', numLandmarks * 2);
  const forward = (x: tf.Tensor) =>
    tf.tidy(() => {
      let h = x as tf.Tensor4D;
      for (const c of convs) h = c([h]);
      return tf.reshape(tf.add(tf.matMul(tf.reshape(h, [x.shape[0], flat]), head as tf.Tensor2D), headB), [x.shape[0], numLandmarks, 2]) as tf.Tensor3D;
    });
  const opt = adam(options.learningRate ?? 2e-3);
  let err = 0;
  let seen = 0;
  try {
    for (let s = 0; s < options.steps; s++) {
      const idx = Array.from({ length: options.batchSize }, () => rng.int(m));
      const x = new Float32Array(idx.length * per);
      const y = new Float32Array(idx.length * numLandmarks * 2);
      idx.forEach((j, i) => {
        x.set(frames.subarray(j * per, (j + 1) * per), i * per);
        y.set(landmarks.subarray(j * numLandmarks * 2, (j + 1) * numLandmarks * 2), i * numLandmarks * 2);
      });
      const xt = tf.tensor4d(x, [idx.length, size, size, 3]);
      const yt = tf.tensor3d(y, [idx.length, numLandmarks, 2]);
      let dist = 0;
      const { value, grads } = tf.variableGrads(() => {
        const d = tf.sub(forward(xt), yt);
        dist = tf.mean(tf.sqrt(tf.add(tf.sum(tf.square(d), 2), 1e-12))).dataSync()[0]!;
        return tf.mean(tf.square(d)) as tf.Scalar;
      }, Object.values(f.variables));
      opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads), xt, yt]);
      if (s >= options.steps - Math.max(1, Math.floor(options.steps / 5))) {
        err += dist;
        seen++;
      }
    }
  } finally {
    opt.dispose();
  }
  return {
    regressor: { scope: f.scope, variables: f.variables, prunable: f.prunable, numLandmarks, apply: forward },
    trainError: err / Math.max(1, seen),
  };
}
