import { tf } from '@proj/core';
import type { ParameterFactory } from '../network.js';
import { softmaxOver } from './softmax.js';

/**
 * DaGAN's depth-aware cross-modal attention (DepthAwareAttention in the
 * official generator): at the bottleneck, queries come from the source depth
 * features, keys and values from the warped appearance features:
 * q = relu(Wq depth), k = relu(Wk feat) with C/8 channels, v = relu(Wv feat)
 * with C, A = softmax over positions of q k^T, and the output is
 * gamma (A v) + feat with gamma a learned scalar initialized at 0, so the
 * block starts as the identity and the network learns how much depth
 * geometry to mix in.
 */
export interface CrossModalAttention {
  readonly gamma: tf.Variable;
  /** depthFeat, feat: [n, h, w, c] -> [n, h, w, c]; also the attention map [n, hw, hw]. */
  apply(depthFeat: tf.Tensor4D, feat: tf.Tensor4D): { output: tf.Tensor4D; attention: tf.Tensor3D };
}

export function crossModalAttention(f: ParameterFactory, name: string, channels: number): CrossModalAttention {
  const inner = Math.max(1, Math.floor(channels / 8));
  const wq = f.kernel(`${name}/query`, [channels, inner]);
  const wk = f.kernel(`${name}/key`, [channels, inner]);
  const wv = f.kernel(`${name}/value`, [channels, channels]);
  const [bq, bk, bv] = [f.bias(`${name}/query`, inner), f.bias(`${name}/key`, inner), f.bias(`${name}/value`, channels)];
  const gammaName = `${f.scope}/${name}/gamma`;
  const zero = tf.zeros([1]);
  const gamma = tf.variable(zero, true, gammaName);
  zero.dispose();
  f.variables[gammaName] = gamma;
  return {
    gamma,
    apply: (depthFeat, feat) => {
      const [n, h, w, c] = feat.shape;
      if (c !== channels || depthFeat.shape.some((d, i) => d !== feat.shape[i])) {
        throw new Error(`crossModalAttention: depthFeat and feat must both be [n, h, w, ${channels}], got [${depthFeat.shape.join(', ')}] and [${feat.shape.join(', ')}]`);
      }
      return tf.tidy(() => {
        // 1x1 convolutions as matrix products over flattened positions.
        const proj = (x: tf.Tensor, wt: tf.Tensor, b: tf.Tensor) =>
          tf.reshape(tf.relu(tf.add(tf.matMul(tf.reshape(x, [n * h * w, c]), wt as tf.Tensor2D), b)), [n, h * w, -1]);
        const q = proj(depthFeat, wq, bq) as tf.Tensor3D;
        const k = proj(feat, wk, bk) as tf.Tensor3D;
        const v = proj(feat, wv, bv) as tf.Tensor3D;
        const energy = tf.matMul(q, k, false, true); // [n, hw (query), hw (key)]
        const attention = softmaxOver(energy, 2) as tf.Tensor3D;
        const out = tf.reshape(tf.matMul(attention, v), [n, h, w, c]);
        return { output: tf.add(tf.mul(gamma, out), feat) as tf.Tensor4D, attention };
      });
    },
  };
}
