import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, Rng, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  beamDecode,
  EOS_ID,
  greedyDecode,
  labelSmoothedCrossEntropy,
  lengthBatches,
  loadCheckpoint,
  makeBatch,
  PAD_ID,
  saveCheckpoint,
  trainSeq2Seq,
  Transformer,
  type Seq2SeqExample,
  type TransformerConfig,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

const tiny: TransformerConfig = { vocabSize: 16, dModel: 16, heads: 2, ffnDim: 32, encoderLayers: 1, decoderLayers: 1, dropout: 0, maxLen: 12 };
const ids = (rows: number[][]) => tf.tensor2d(rows, [rows.length, rows[0].length], 'int32');

describe('label-smoothed cross-entropy', () => {
  it('matches a hand computation and ignores padding', () => {
    const logits = tf.tensor3d([[[0, Math.log(3)], [5, 5]]]);
    // Token 1: p = [1/4, 3/4], target 1: nll = -log(3/4), smooth = -(log(1/4) + log(3/4)) / 2. Token 2 is padding.
    const eps = 0.2;
    const expected = (1 - eps) * -Math.log(3 / 4) + (eps * -(Math.log(1 / 4) + Math.log(3 / 4))) / 2;
    const loss = labelSmoothedCrossEntropy(logits, ids([[1, PAD_ID]]), PAD_ID, eps);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([logits, loss]);
    expect(() => labelSmoothedCrossEntropy(tf.zeros([1, 2, 2]) as tf.Tensor3D, ids([[1]]), 0, 0.1)).toThrow(/targets must have shape \[1, 2\]/);
  });
});

describe('fused label-smoothed cross-entropy', () => {
  /** The textbook composition: log-softmax, one-hot nll, mean smoothing term, masked token mean. */
  const composed = (logits: tf.Tensor3D, targets: tf.Tensor2D, eps: number) => {
    const [B, T, V] = logits.shape;
    const logp = tf.logSoftmax(tf.reshape(logits, [B * T, V]));
    const flat = tf.reshape(targets, [B * T]);
    const nll = tf.neg(tf.sum(tf.mul(logp, tf.oneHot(flat, V)), 1));
    const smooth = tf.neg(tf.mean(logp, 1));
    const mask = tf.cast(tf.notEqual(flat, PAD_ID), 'float32');
    return tf.div(tf.sum(tf.mul(tf.add(tf.mul(nll, 1 - eps), tf.mul(smooth, eps)), mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  };

  it('equals the composed loss and its autodiff gradient on random logits with padding', () => {
    const rng = new Rng(7);
    const logits = tf.tensor3d(rng.normalArray(3 * 4 * 9, 0, 3), [3, 4, 9]);
    const targets = ids([[2, 5, 8, PAD_ID], [1, PAD_ID, PAD_ID, PAD_ID], [3, 3, 7, 6]]);
    for (const eps of [0, 0.2]) {
      const fused = tf.valueAndGrad((x: tf.Tensor) => labelSmoothedCrossEntropy(x as tf.Tensor3D, targets, PAD_ID, eps))(logits);
      const reference = tf.valueAndGrad((x: tf.Tensor) => composed(x as tf.Tensor3D, targets, eps))(logits);
      expect(fused.value.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0], 5);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(fused.grad, reference.grad))).dataSync()[0]);
      expect(diff).toBeLessThan(1e-6);
      // Padding rows get no gradient.
      expect(Array.from(tf.tidy(() => tf.slice(fused.grad, [1, 1, 0], [1, 3, 9]).dataSync())).every((g) => g === 0)).toBe(true);
      tf.dispose([fused.value, fused.grad, reference.value, reference.grad]);
    }
    expect(() => labelSmoothedCrossEntropy(logits, ids([[9, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]), PAD_ID, 0.1)).toThrow(/target 9 is outside the vocabulary \[0, 9\)/);
    tf.dispose([logits, targets]);
  });
});

describe('lengthBatches', () => {
  it('puts every example in one batch per epoch, groups similar lengths, and is seeded', () => {
    const rng = new Rng(8);
    const examples: Seq2SeqExample[] = Array.from({ length: 103 }, (_, i) => ({ source: new Array<number>(1 + rng.int(20)).fill(i), target: [i], sourceLang: 5, targetLang: 6 }));
    const batches = lengthBatches(examples, 10, new Rng(1));
    expect(batches.map((b) => b.length).sort((a, b) => a - b)).toEqual([3, ...new Array<number>(10).fill(10)]);
    expect(batches.flat().map((e) => e.target[0]).sort((a, b) => a - b)).toEqual(examples.map((_, i) => i));
    // Sorted by length before cutting: no two batches overlap in length by more than a shared boundary value.
    const ranges = batches.map((b) => [Math.min(...b.map((e) => e.source.length)), Math.max(...b.map((e) => e.source.length))]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThanOrEqual(ranges[i - 1][1]);
    // Shuffled batch order, same for the same seed.
    expect(batches.map((b) => b[0].source.length)).not.toEqual([...batches.map((b) => b[0].source.length)].sort((a, b) => a - b));
    expect(lengthBatches(examples, 10, new Rng(1))).toEqual(batches);
  });
});

describe('Transformer', () => {
  it('draws its dropout masks from the rng: same seed same states, none without an rng', () => {
    const m = new Transformer({ ...tiny, dropout: 0.5 }, PAD_ID, 5);
    const src = ids([[5, 6, 7, 8, 9, 10, 11]]);
    const run = (rng: Rng | null) => tf.tidy(() => Array.from(m.encode(src, rng).dataSync()));
    expect(run(new Rng(3))).toEqual(run(new Rng(3)));
    expect(run(new Rng(3))).not.toEqual(run(new Rng(4)));
    expect(run(null)).toEqual(run(null));
    src.dispose();
    m.dispose();
  });


  it('is causal in the decoder and ignores source padding', () => {
    const m = new Transformer(tiny, PAD_ID, 1);
    const src = ids([[5, 6, 7, PAD_ID]]);
    const a = m.forward(src, ids([[1, 8, 9, 10]]));
    const b = m.forward(src, ids([[1, 8, 11, 12]]));
    // Positions 0 and 1 see only tokens 1, 8: same logits.
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(a, [0, 0, 0], [1, 2, -1]), tf.slice(b, [0, 0, 0], [1, 2, -1])))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    const c = m.forward(ids([[5, 6, 7]]), ids([[1, 8, 9, 10]]));
    const padDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]);
    expect(padDiff).toBeLessThan(1e-4);
    tf.dispose([src, a, b, c]);
    m.dispose();
    expect(() => new Transformer({ ...tiny, dModel: 15 }, 0, 1)).toThrow(/dModel \(15\) must be even and divisible by heads/);
  });

  it('has a gradient that matches finite differences for one weight', () => {
    const m = new Transformer(tiny, PAD_ID, 2);
    const src = ids([[5, 6, 7]]);
    const tin = ids([[1, 8, 9]]);
    const tout = ids([[8, 9, EOS_ID]]);
    const w = m.params['dec.0.ffn.w2'];
    const lossOf = () => labelSmoothedCrossEntropy(m.forward(src, tin), tout, PAD_ID, 0.1);
    // Finite differences on entry 0 against the analytic gradient from variableGrads.
    const { grads, value } = tf.variableGrads(lossOf, [w]);
    const analytic = grads[w.name].dataSync()[0];
    const base = w.dataSync().slice();
    const h = 1e-2;
    const at = (delta: number) => {
      const v = base.slice();
      v[0] += delta;
      w.assign(tf.tensor(v, w.shape));
      return tf.tidy(() => lossOf().dataSync()[0]);
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    w.assign(tf.tensor(base, w.shape));
    expect(analytic).toBeCloseTo(numeric, 2);
    tf.dispose([value, ...Object.values(grads), src, tin, tout]);
    m.dispose();
  });

  it("learns to copy short sequences, decodes greedily and by beam, saves and loads, without leaking tensors", { timeout: 180_000 }, () => {
    const rng = new Rng(4);
    const data: Seq2SeqExample[] = Array.from({ length: 64 }, () => {
      const s = Array.from({ length: 2 + rng.int(3) }, () => 7 + rng.int(8));
      return { source: s, target: s, sourceLang: 5, targetLang: 6 };
    });
    const before = tf.memory().numTensors;
    const m = new Transformer({ ...tiny, dModel: 32, ffnDim: 64 }, PAD_ID, 3);
    const withModel = tf.memory().numTensors;
    const losses = trainSeq2Seq(m, data, { steps: 150, batchSize: 32, lr: 5e-3, warmupSteps: 10, labelSmoothing: 0, maxLen: 10, seed: 1 });
    expect(tf.memory().numTensors).toBe(withModel);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 4);
    const sample = data.slice(0, 8).map((d) => d.source);
    const out = greedyDecode(m, sample, 5, 6, 10);
    const correct = out.filter((o, i) => o.join() === sample[i].join()).length;
    expect(correct).toBeGreaterThanOrEqual(6);
    expect(beamDecode(m, sample[0], 5, 6, { beamSize: 3, maxLen: 8, lengthPenalty: 1 })).toEqual(out[0]);
    expect(tf.memory().numTensors).toBe(withModel);
    const path = join(mkdtempSync(join(tmpdir(), 'nlg-ckpt-')), 'model.safetensors');
    saveCheckpoint(path, m);
    const back = loadCheckpoint(path);
    expect(greedyDecode(back, sample, 5, 6, 10)).toEqual(out);
    back.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const b = makeBatch([{ source: [9, 9], target: [8], sourceLang: 5, targetLang: 6 }], 10);
    expect(b.src.arraySync()).toEqual([[9, 9, EOS_ID, 5]]);
    expect(b.tgtIn.arraySync()).toEqual([[6, 8]]);
    expect(b.tgtOut.arraySync()).toEqual([[8, EOS_ID]]);
    tf.dispose([b.src, b.tgtIn, b.tgtOut]);
  });
});
