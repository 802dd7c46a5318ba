import { adam, Rng, tf, toRng } from '@proj/core';
import { ParameterFactory, type Network } from '../network.js';
import { convLayer, type Block } from './conv_blocks.js';
import type { Clip } from './video_batches.js';

/**
 * The perceptual loss's feature network. FOMM and DaGAN use an ImageNet
 * VGG-19, which cannot be downloaded here, so a small conv net is trained on
 * the training frames instead: it classifies which clip (identity) a frame
 * comes from, so its features respond to appearance (skin, hair, eyes,
 * backdrop pattern) at several depths, the role VGG's relu1_1..relu5_1
 * play. Frozen after training.
 */
export interface FeatureExtractor extends Network {
  /** Activations after each block, shallow to deep. */
  features(x: tf.Tensor4D): tf.Tensor4D[];
}

export interface FeatureExtractorOptions {
  /** Channels of the first block, doubled per block; default 8. */
  width?: number;
  /** Blocks (stride 1, then stride 2 each); default 3. */
  blocks?: number;
  steps: number;
  batchSize: number;
  learningRate?: number;
  seed: number | Rng;
}

/** Trains the extractor as a clip classifier on single frames; returns it with its final training accuracy. */
export function trainFeatureExtractor(clips: readonly Clip[], size: number, options: FeatureExtractorOptions): { extractor: FeatureExtractor; accuracy: number } {
  const rng = toRng(options.seed);
  const width = options.width ?? 8;
  const nBlocks = options.blocks ?? 3;
  const f = new ParameterFactory('feat', rng.split(), 'he');
  const blocks: Block[] = Array.from({ length: nBlocks }, (_, i) => convLayer(f, `block${i}`, 3, [i === 0 ? 3 : width * 2 ** (i - 1)], width * 2 ** i, i === 0 ? 1 : 2));
  const classes = clips.length;
  const head = f.kernel('head', [width * 2 ** (nBlocks - 1), classes]);
  const headB = f.bias('head', classes);
  const features = (x: tf.Tensor4D) => {
    const out: tf.Tensor4D[] = [];
    let h = x;
    for (const b of blocks) out.push((h = b([h])));
    return out;
  };
  const logits = (x: tf.Tensor4D) => tf.add(tf.matMul(tf.mean(features(x).at(-1)!, [1, 2]) as tf.Tensor2D, head as tf.Tensor2D), headB);
  const opt = adam(options.learningRate ?? 2e-3);
  let correct = 0;
  let seen = 0;
  const per = size * size * 3;
  try {
    for (let s = 0; s < options.steps; s++) {
      const labels = Array.from({ length: options.batchSize }, () => rng.int(classes));
      const x = new Float32Array(options.batchSize * per);
      labels.forEach((c, i) => {
        const t = rng.int(clips[c]!.frames);
        x.set(clips[c]!.rgb.subarray(t * per, (t + 1) * per), i * per);
      });
      const xt = tf.tensor4d(x, [options.batchSize, size, size, 3]);
      const yt = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), classes));
      let pred: Int32Array | Uint8Array | Float32Array = new Int32Array(0);
      const { value, grads } = tf.variableGrads(() => {
        const l = logits(xt);
        pred = tf.argMax(l, 1).dataSync();
        return tf.losses.softmaxCrossEntropy(yt, l) as tf.Scalar;
      }, Object.values(f.variables));
      opt.applyGradients(grads);
      tf.dispose([value, ...Object.values(grads), xt, yt]);
      if (s >= options.steps - Math.max(1, Math.floor(options.steps / 5))) {
        labels.forEach((c, i) => (correct += pred[i] === c ? 1 : 0));
        seen += labels.length;
      }
    }
  } finally {
    opt.dispose();
  }
  return {
    extractor: {
      scope: f.scope,
      variables: f.variables,
      prunable: f.prunable,
      features: (x) => tf.tidy(() => features(x)),
      apply: (x) => tf.tidy(() => features(x as tf.Tensor4D).at(-1)!),
    },
    accuracy: seen > 0 ? correct / seen : 0,
  };
}
