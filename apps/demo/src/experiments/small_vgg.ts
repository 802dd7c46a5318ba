/**
 * A small VGG-style network for 28x28 grey images: stages of 3x3 conv (no
 * bias) > batch norm > relu with a 2x2 max pool between stages, then global
 * average pooling and a dense layer to the logits (VGG's blocks, Simonyan &
 * Zisserman 2015, with the batch norm and global pooling of ResNets). No
 * pool after the last stage: global pooling follows, and a 2x2 pool of the
 * odd 7x7 map would drop a row and a column.
 * Batch norm momentum 0.9 and epsilon 1e-5 are PyTorch's defaults; kernels
 * use He normal initialization (He et al. 2015), as ResNets do.
 */
import { tf, type Rng } from '@proj/core';

export interface SmallVggConfig {
  /** Filters of each stage's convolutions; a 2x2 max pool between stages. */
  widths: number[];
  /** 3x3 convolutions per stage. */
  convsPerStage: number;
}

export function buildSmallVgg(cfg: SmallVggConfig, rng: Rng, classes = 10): tf.Sequential {
  if (cfg.widths.length < 1 || cfg.widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new Error(`buildSmallVgg: widths must be positive integers, got ${JSON.stringify(cfg.widths)}`);
  }
  if (!Number.isInteger(cfg.convsPerStage) || cfg.convsPerStage < 1) {
    throw new Error(`buildSmallVgg: convsPerStage must be an integer >= 1, got ${cfg.convsPerStage}`);
  }
  const init = () => tf.initializers.heNormal({ seed: rng.tfSeed() });
  const layers: tf.layers.Layer[] = [];
  cfg.widths.forEach((filters, stage) => {
    if (stage > 0) layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
    for (let j = 0; j < cfg.convsPerStage; j++) {
      layers.push(
        tf.layers.conv2d({
          ...(layers.length === 0 ? { inputShape: [28, 28, 1] } : {}),
          filters,
          kernelSize: 3,
          padding: 'same',
          useBias: false,
          kernelInitializer: init(),
        }),
        tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
        tf.layers.reLU(),
      );
    }
  });
  layers.push(tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: classes, kernelInitializer: init() }));
  return tf.sequential({ layers });
}
