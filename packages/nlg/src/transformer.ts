import { Rng, tf, toRng } from '@proj/core';

/**
 * Encoder-decoder Transformer (Vaswani et al. 2017) in the pre-norm form that
 * mBART uses (`--encoder-normalize-before --decoder-normalize-before`, with a
 * final LayerNorm on each stack), one embedding matrix shared by the encoder,
 * the decoder and the output projection (mBART's
 * `--share-all-embeddings`), and sinusoidal positions.
 */
export interface TransformerConfig {
  vocabSize: number;
  /** Model width; mBART-large uses 1024, the default is CPU-sized. */
  dModel: number;
  /** Attention heads; must divide dModel (mBART-large: 16). */
  heads: number;
  /** Hidden width of the feed-forward block (mBART-large: 4 x dModel). */
  ffnDim: number;
  encoderLayers: number;
  decoderLayers: number;
  /** Dropout on residual branches and attention weights; mBART fine-tuning uses 0.3, pretraining 0.1. */
  dropout: number;
  /** Longest sequence the position table covers. */
  maxLen: number;
}

/**
 * CPU-sized defaults: mBART-large's shape (12+12 layers, d 1024, 16 heads,
 * FFN 4d) scaled down to 2+2 layers, d 128, 4 heads, FFN 4d; dropout 0.1 as
 * mBART pretraining.
 */
export const DEFAULT_TRANSFORMER: Omit<TransformerConfig, 'vocabSize'> = {
  dModel: 128,
  heads: 4,
  ffnDim: 512,
  encoderLayers: 2,
  decoderLayers: 2,
  dropout: 0.1,
  maxLen: 64,
};

export type TransformerParams = Record<string, tf.Variable>;

function sinusoidalPositions(maxLen: number, d: number): tf.Tensor2D {
  const table = new Float32Array(maxLen * d);
  for (let p = 0; p < maxLen; p++) {
    for (let i = 0; i < d / 2; i++) {
      const angle = p / Math.pow(10000, (2 * i) / d);
      table[p * d + 2 * i] = Math.sin(angle);
      table[p * d + 2 * i + 1] = Math.cos(angle);
    }
  }
  return tf.tensor2d(table, [maxLen, d]);
}

export class Transformer {
  readonly config: TransformerConfig;
  readonly params: TransformerParams;
  private readonly positions: tf.Tensor2D;
  readonly padId: number;

  /** `padId` marks padding in inputs: keys at pad positions are masked and never attended to. */
  constructor(config: TransformerConfig, padId: number, seed: number | Rng) {
    const { vocabSize, dModel, heads, ffnDim, encoderLayers, decoderLayers, dropout, maxLen } = config;
    if (!(Number.isInteger(vocabSize) && vocabSize > 1)) throw new Error(`Transformer: vocabSize must be an integer > 1, got ${vocabSize}`);
    if (!(dModel > 0 && dModel % heads === 0 && dModel % 2 === 0)) {
      throw new Error(`Transformer: dModel (${dModel}) must be even and divisible by heads (${heads})`);
    }
    if (!(dropout >= 0 && dropout < 1)) throw new Error(`Transformer: dropout must be in [0, 1), got ${dropout}`);
    if (!(encoderLayers >= 1 && decoderLayers >= 1 && ffnDim >= 1 && maxLen >= 2)) {
      throw new Error('Transformer: encoderLayers, decoderLayers, ffnDim must be >= 1 and maxLen >= 2');
    }
    this.config = config;
    this.padId = padId;
    const rng = toRng(seed);
    const p: TransformerParams = {};
    // Xavier-uniform as in fairseq's transformer; embeddings N(0, d^-1/2) as fairseq's Embedding().
    const xavier = (name: string, fanIn: number, fanOut: number) => {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      p[name] = tf.variable(tf.tensor2d(rng.uniformArray(fanIn * fanOut, -a, a), [fanIn, fanOut]), true);
    };
    const zeros = (name: string, n: number) => (p[name] = tf.variable(tf.zeros([n]), true));
    const ones = (name: string, n: number) => (p[name] = tf.variable(tf.ones([n]), true));
    const attn = (prefix: string) => {
      for (const w of ['q', 'k', 'v', 'o']) {
        xavier(`${prefix}.w${w}`, dModel, dModel);
        zeros(`${prefix}.b${w}`, dModel);
      }
    };
    const block = (prefix: string, cross: boolean) => {
      ones(`${prefix}.ln1.g`, dModel);
      zeros(`${prefix}.ln1.b`, dModel);
      attn(`${prefix}.self`);
      if (cross) {
        ones(`${prefix}.lnc.g`, dModel);
        zeros(`${prefix}.lnc.b`, dModel);
        attn(`${prefix}.cross`);
      }
      ones(`${prefix}.ln2.g`, dModel);
      zeros(`${prefix}.ln2.b`, dModel);
      xavier(`${prefix}.ffn.w1`, dModel, ffnDim);
      zeros(`${prefix}.ffn.b1`, ffnDim);
      xavier(`${prefix}.ffn.w2`, ffnDim, dModel);
      zeros(`${prefix}.ffn.b2`, dModel);
    };
    // Variables outlive tidy; the initial-value tensors they were made from do not.
    tf.tidy(() => {
      p.embed = tf.variable(tf.tensor2d(rng.normalArray(vocabSize * dModel, 0, Math.pow(dModel, -0.5)), [vocabSize, dModel]), true);
      for (let l = 0; l < encoderLayers; l++) block(`enc.${l}`, false);
      for (let l = 0; l < decoderLayers; l++) block(`dec.${l}`, true);
      for (const s of ['enc', 'dec']) {
        ones(`${s}.ln.g`, dModel);
        zeros(`${s}.ln.b`, dModel);
      }
    });
    this.params = p;
    this.positions = sinusoidalPositions(maxLen, dModel);
  }

  private layerNorm(x: tf.Tensor, prefix: string): tf.Tensor {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), this.params[`${prefix}.g`]), this.params[`${prefix}.b`]);
  }

  private linear(x: tf.Tensor, w: string, b: string): tf.Tensor {
    const shape = x.shape;
    const flat = tf.reshape(x, [-1, shape[shape.length - 1]]);
    const y = tf.add(tf.matMul(flat, this.params[w]), this.params[b]);
    return tf.reshape(y, [...shape.slice(0, -1), y.shape[1]!]);
  }

  /**
   * Inverted dropout: x times a mask of 0 and 1 / (1 - rate) drawn from `rng`.
   * The mask is built in one pass over raw 32-bit draws; tf.dropout draws
   * uniforms with its own generator and then runs add, floor and divide
   * kernels over them, which cost more than the attention they regularize.
   */
  private dropout(x: tf.Tensor, rng: Rng | null): tf.Tensor {
    const rate = this.config.dropout;
    if (!rng || rate === 0) return x;
    const keep = 1 - rate;
    const threshold = keep * 4294967296;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = rng.nextUint32() < threshold ? 1 / keep : 0;
    return tf.mul(x, tf.tensor(mask, x.shape));
  }

  /** Multi-head attention of queries `x [B,T,d]` over `mem [B,S,d]`; `bias` is added to the logits (broadcast to [B,h,T,S]). */
  private attention(x: tf.Tensor, mem: tf.Tensor, bias: tf.Tensor, prefix: string, rng: Rng | null): tf.Tensor {
    const { heads, dModel } = this.config;
    const dh = dModel / heads;
    const [B, T] = x.shape;
    const S = mem.shape[1]!;
    const split = (t: tf.Tensor, L: number) => tf.transpose(tf.reshape(t, [B, L, heads, dh]), [0, 2, 1, 3]);
    const q = split(tf.mul(this.linear(x, `${prefix}.wq`, `${prefix}.bq`), 1 / Math.sqrt(dh)), T!);
    const k = split(this.linear(mem, `${prefix}.wk`, `${prefix}.bk`), S);
    const v = split(this.linear(mem, `${prefix}.wv`, `${prefix}.bv`), S);
    const weights = this.dropout(tf.softmax(tf.add(tf.matMul(q, k, false, true), bias)), rng);
    const out = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [B, T!, dModel]);
    return this.linear(out, `${prefix}.wo`, `${prefix}.bo`);
  }

  private feedForward(x: tf.Tensor, prefix: string, rng: Rng | null): tf.Tensor {
    const h = this.dropout(tf.relu(this.linear(x, `${prefix}.w1`, `${prefix}.b1`)), rng);
    return this.linear(h, `${prefix}.w2`, `${prefix}.b2`);
  }

  private embedTokens(ids: tf.Tensor2D): tf.Tensor {
    const [, L] = ids.shape;
    if (L > this.config.maxLen) throw new Error(`Transformer: sequence length ${L} exceeds maxLen ${this.config.maxLen}`);
    // A row lookup; its gradient (UnsortedSegmentSum) is served by @proj/core's kernel.
    const { dModel } = this.config;
    const e = tf.reshape(tf.gather(this.params.embed, tf.reshape(ids, [-1])), [ids.shape[0], L, dModel]);
    const scaled = tf.mul(e, Math.sqrt(dModel));
    return tf.add(scaled, tf.slice(this.positions, [0, 0], [L, dModel]));
  }

  /** Additive key mask `[B,1,1,S]`: -1e9 on padding. */
  paddingBias(ids: tf.Tensor2D): tf.Tensor {
    const [B, S] = ids.shape;
    return tf.reshape(tf.mul(tf.cast(tf.equal(ids, this.padId), 'float32'), -1e9), [B, 1, 1, S]);
  }

  /** Encoder states `[B,S,d]` of source ids `[B,S]`; `rng` turns dropout on (training), null turns it off. */
  encode(src: tf.Tensor2D, rng: Rng | null = null): tf.Tensor3D {
    const bias = this.paddingBias(src);
    let x = this.dropout(this.embedTokens(src), rng);
    for (let l = 0; l < this.config.encoderLayers; l++) {
      const pre = `enc.${l}`;
      const h = this.layerNorm(x, `${pre}.ln1`);
      x = tf.add(x, this.dropout(this.attention(h, h, bias, `${pre}.self`, rng), rng));
      x = tf.add(x, this.dropout(this.feedForward(this.layerNorm(x, `${pre}.ln2`), `${pre}.ffn`, rng), rng));
    }
    return this.layerNorm(x, 'enc.ln') as tf.Tensor3D;
  }

  /** Decoder states `[B,T,d]` for decoder inputs `[B,T]` given encoder states and the source ids (for its padding). */
  decode(tgtIn: tf.Tensor2D, memory: tf.Tensor3D, src: tf.Tensor2D, rng: Rng | null = null): tf.Tensor3D {
    const T = tgtIn.shape[1];
    const causal = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
    const selfBias = tf.add(causal, this.paddingBias(tgtIn));
    const crossBias = this.paddingBias(src);
    let x = this.dropout(this.embedTokens(tgtIn), rng);
    for (let l = 0; l < this.config.decoderLayers; l++) {
      const pre = `dec.${l}`;
      const h = this.layerNorm(x, `${pre}.ln1`);
      x = tf.add(x, this.dropout(this.attention(h, h, selfBias, `${pre}.self`, rng), rng));
      x = tf.add(x, this.dropout(this.attention(this.layerNorm(x, `${pre}.lnc`), memory, crossBias, `${pre}.cross`, rng), rng));
      x = tf.add(x, this.dropout(this.feedForward(this.layerNorm(x, `${pre}.ln2`), `${pre}.ffn`, rng), rng));
    }
    return this.layerNorm(x, 'dec.ln') as tf.Tensor3D;
  }

  /** Output logits `[B,T,V]` through the shared embedding matrix. */
  logits(states: tf.Tensor3D): tf.Tensor3D {
    const [B, T, d] = states.shape;
    return tf.reshape(tf.matMul(tf.reshape(states, [B * T, d]), this.params.embed, false, true), [B, T, this.config.vocabSize]);
  }

  /** Logits `[B,T,V]` of the next token at every decoder position (teacher forcing). */
  forward(src: tf.Tensor2D, tgtIn: tf.Tensor2D, rng: Rng | null = null): tf.Tensor3D {
    return this.logits(this.decode(tgtIn, this.encode(src, rng), src, rng));
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
    this.positions.dispose();
  }
}
