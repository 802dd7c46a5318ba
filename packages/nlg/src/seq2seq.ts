import { adam, Rng, tf, toRng, type ProgressReporter } from '@proj/core';
import { beamSearch, type BeamSearchOptions } from './beam_search.js';
import { BOS_ID, EOS_ID, PAD_ID } from './bpe.js';
import { labelSmoothedCrossEntropy } from './label_smoothing.js';
import { warmupDecay } from './schedule.js';
import type { Transformer } from './transformer.js';

/**
 * One training example in mBART's layout: the encoder reads
 * `tokens </s> [src_lang]`, the decoder starts from `[tgt_lang]` and predicts
 * `tokens </s>`.
 */
export interface Seq2SeqExample {
  source: number[];
  target: number[];
  /** Language-id token ids (see `BpeTokenizer.langId`). */
  sourceLang: number;
  targetLang: number;
}

export interface Seq2SeqTensors {
  src: tf.Tensor2D;
  tgtIn: tf.Tensor2D;
  tgtOut: tf.Tensor2D;
}

function pad(rows: number[][]): tf.Tensor2D {
  const L = Math.max(...rows.map((r) => r.length));
  const data = new Int32Array(rows.length * L).fill(PAD_ID);
  rows.forEach((r, i) => data.set(r, i * L));
  return tf.tensor2d(data, [rows.length, L], 'int32');
}

/** Encoder input ids of a source (truncated so the end and language tokens fit in maxLen). */
export function encoderInput(source: readonly number[], sourceLang: number, maxLen: number): number[] {
  return [...source.slice(0, maxLen - 2), EOS_ID, sourceLang];
}

/** Padded tensors of a batch; sequences are cut to `maxLen`. */
export function makeBatch(examples: readonly Seq2SeqExample[], maxLen: number): Seq2SeqTensors {
  if (examples.length === 0) throw new Error('makeBatch: examples must not be empty');
  const tgt = examples.map((e) => e.target.slice(0, maxLen - 1));
  return {
    src: pad(examples.map((e) => encoderInput(e.source, e.sourceLang, maxLen))),
    tgtIn: pad(examples.map((e, i) => [e.targetLang, ...tgt[i]])),
    tgtOut: pad(tgt.map((t) => [...t, EOS_ID])),
  };
}

export interface TrainSeq2SeqOptions {
  steps: number;
  batchSize: number;
  /** Peak learning rate; mBART fine-tuning 3e-5 at batch 2.5k tokens x 8 GPUs, a small model from scratch needs ~1e-3. */
  lr: number;
  warmupSteps: number;
  /** mBART/CSR4mBART: 0.2. */
  labelSmoothing: number;
  /** Clip the gradient's global norm; 0 = off. */
  clipNorm?: number;
  maxLen: number;
  seed: number | Rng;
  reporter?: ProgressReporter;
  /** Called with each step's loss (every step reads it back, so keep batches large). */
  onStep?: (step: number, loss: number) => void;
}

/**
 * One epoch of batches of similar length, as fairseq batches by size: the
 * examples sorted by their longer side (ties in random order), cut into
 * batches, the batches shuffled. Less padding means less computation per
 * example; every example is still seen once per epoch.
 */
export function lengthBatches(examples: readonly Seq2SeqExample[], batchSize: number, rng: Rng): Seq2SeqExample[][] {
  const perm = rng.permutation(examples.length);
  const size = (e: Seq2SeqExample) => Math.max(e.source.length, e.target.length);
  const order = Array.from(perm).sort((a, b) => size(examples[a]) - size(examples[b]));
  const batches: Seq2SeqExample[][] = [];
  for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize).map((j) => examples[j]));
  const shuffle = rng.permutation(batches.length);
  return Array.from(shuffle, (i) => batches[i]);
}

/**
 * Trains on examples drawn in epochs of length-sorted, shuffled batches, Adam (beta2 0.98, as mBART)
 * with linear warm-up and decay. Every step runs inside tf.tidy.
 */
export function trainSeq2Seq(model: Transformer, examples: readonly Seq2SeqExample[] | (() => Seq2SeqExample[]), opts: TrainSeq2SeqOptions): number[] {
  const { steps, batchSize, lr, warmupSteps, labelSmoothing, maxLen, reporter, onStep } = opts;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`trainSeq2Seq: steps must be an integer >= 1, got ${steps}`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`trainSeq2Seq: batchSize must be an integer >= 1, got ${batchSize}`);
  const rng = toRng(opts.seed);
  const opt = adam(lr, { beta1: 0.9, beta2: 0.98, epsilon: 1e-6 });
  const vars = Object.values(model.params);
  let queue: Seq2SeqExample[][] = [];
  const losses: number[] = [];
  const next = () => {
    if (queue.length === 0) {
      const fresh = typeof examples === 'function' ? examples() : [...examples];
      if (fresh.length === 0) throw new Error('trainSeq2Seq: no training examples');
      queue = lengthBatches(fresh, batchSize, rng);
    }
    return queue.pop()!;
  };
  reporter?.start(steps, 'train');
  try {
    for (let s = 0; s < steps; s++) {
      opt.learningRate = warmupDecay(s, { peak: lr, warmupSteps, totalSteps: steps });
      const b = makeBatch(next(), maxLen);
      const loss = tf.tidy(() => {
        const l = opt.minimize(() => labelSmoothedCrossEntropy(model.forward(b.src, b.tgtIn, rng), b.tgtOut, PAD_ID, labelSmoothing), true, vars);
        return l!.dataSync()[0];
      });
      b.src.dispose();
      b.tgtIn.dispose();
      b.tgtOut.dispose();
      if (!Number.isFinite(loss)) throw new Error(`trainSeq2Seq: loss became ${loss} at step ${s}; lower lr`);
      losses.push(loss);
      onStep?.(s, loss);
      reporter?.tick({ loss });
    }
  } finally {
    reporter?.end();
    opt.dispose();
  }
  return losses;
}

/** Greedy decoding of a batch of sources into `targetLang`; returns token ids without specials. */
export function greedyDecode(model: Transformer, sources: readonly number[][], sourceLang: number, targetLang: number, maxLen: number): number[][] {
  if (sources.length === 0) return [];
  const src = pad(sources.map((s) => encoderInput(s, sourceLang, model.config.maxLen)));
  const memory = tf.tidy(() => model.encode(src));
  const out: number[][] = sources.map(() => []);
  const done = new Array<boolean>(sources.length).fill(false);
  try {
    for (let t = 0; t < maxLen - 1 && done.some((d) => !d); t++) {
      const next = tf.tidy(() => {
        const tgtIn = tf.tensor2d(
          out.flatMap((o) => [targetLang, ...o, ...new Array<number>(t - o.length).fill(PAD_ID)]),
          [sources.length, t + 1],
          'int32',
        );
        const logits = model.logits(model.decode(tgtIn, memory, src));
        return tf.reshape(tf.argMax(tf.slice(logits, [0, t, 0], [-1, 1, -1]), 2), [-1]).dataSync();
      });
      next.forEach((id, i) => {
        if (done[i]) return;
        if (id === EOS_ID) done[i] = true;
        else out[i].push(id);
      });
    }
  } finally {
    src.dispose();
    memory.dispose();
  }
  return out;
}

/** Beam search for one source with fairseq's length penalty; returns the best token ids. */
export function beamDecode(
  model: Transformer,
  source: readonly number[],
  sourceLang: number,
  targetLang: number,
  opts: Omit<BeamSearchOptions, 'eosId'>,
): number[] {
  const src = pad([encoderInput(source, sourceLang, model.config.maxLen)]);
  const memory = tf.tidy(() => model.encode(src));
  try {
    const best = beamSearch(
      (prefixes) =>
        tf.tidy(() => {
          const t = prefixes[0].length;
          const k = prefixes.length;
          const tgtIn = tf.tensor2d(prefixes.flatMap((p) => [targetLang, ...p]), [k, t + 1], 'int32');
          const mem = tf.tile(memory, [k, 1, 1]) as tf.Tensor3D;
          const srcK = tf.tile(src, [k, 1]) as tf.Tensor2D;
          const lp = tf.logSoftmax(tf.squeeze(tf.slice(model.logits(model.decode(tgtIn, mem, srcK)), [0, t, 0], [-1, 1, -1]), [1]));
          const data = lp.dataSync() as Float32Array;
          const V = lp.shape[1]!;
          // Never emit padding, the start token or a language id mid-sentence.
          return prefixes.map((_, i) => {
            const row = data.slice(i * V, (i + 1) * V);
            row[PAD_ID] = -Infinity;
            row[BOS_ID] = -Infinity;
            return row;
          });
        }),
      { ...opts, eosId: EOS_ID },
    );
    return best[0]?.tokens ?? [];
  } finally {
    src.dispose();
    memory.dispose();
  }
}

/** Mean encoder state (over non-pad positions and sentences) of a set of sentences: the paper's sentence representation. */
export function meanRepresentation(model: Transformer, sources: readonly number[][], lang: number): Float32Array {
  return tf.tidy(() => {
    const src = pad(sources.map((s) => encoderInput(s, lang, model.config.maxLen)));
    const h = model.encode(src);
    const mask = tf.expandDims(tf.cast(tf.notEqual(src, PAD_ID), 'float32'), 2);
    const perSentence = tf.div(tf.sum(tf.mul(h, mask), 1), tf.sum(mask, 1));
    return tf.mean(perSentence, 0).dataSync() as Float32Array;
  });
}
