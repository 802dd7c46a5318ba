import { initBackend, Rng, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  crossEntropy,
  EM_CLASS_WISE,
  EM_SAMPLE_WISE,
  errorMinimizingNoise,
  madryPgd,
  modelStep,
  pgdAttack,
  REM_OFFICIAL,
  remDefensiveNoise,
  robustErrorMinimizingNoise,
  type RemConfig,
} from '../src/index.js';
import { batchOf, digits, tinyCnn } from './nets.js';

beforeAll(async () => {
  await initBackend();
});

const SGD = { learningRate: 0.05, momentum: 0.9, weightDecay: 0 };
const SMALL_REM: RemConfig = {
  ...REM_OFFICIAL,
  ...SGD,
  defense: { radius: 8, steps: 3, stepSize: 4, randomStart: true },
  adversary: madryPgd(4, 3),
  eotSamples: 2,
  augment: { pad: 2, flip: false },
  epochs: 1,
  batchSize: 32,
};

describe('EM noise', () => {
  it('sample-wise: drives the training error on the noisy data below the stop criterion, within the radius', () => {
    const { train } = digits(128, 1);
    const model = tinyCnn(1);
    const r = errorMinimizingNoise(model, train, { ...EM_SAMPLE_WISE, ...SGD, batchSize: 64, modelSteps: 5, stopError: 0.05, maxRounds: 8 }, 0);
    // A second call leaves the tensor count where the first left it (the first may warm up tfjs-layers caches).
    const after = tf.memory().numTensors;
    errorMinimizingNoise(model, train, { ...EM_SAMPLE_WISE, ...SGD, batchSize: 64, modelSteps: 2, maxRounds: 1 }, 1);
    expect(tf.memory().numTensors).toBe(after);
    expect(r.converged).toBe(true);
    expect(r.trainError[r.trainError.length - 1]).toBeLessThan(0.05);
    expect(Math.max(...r.noise.delta.map(Math.abs))).toBeLessThanOrEqual(8 / 255 + 1e-6);
    model.dispose();
  }, 60_000);

  it('class-wise: one delta per class, shared by every image of that class', () => {
    const { train } = digits(64, 1);
    const model = tinyCnn(2);
    const r = errorMinimizingNoise(model, train, { ...EM_CLASS_WISE, ...SGD, batchSize: 64, modelSteps: 3, maxRounds: 2 }, 0);
    const { y } = train.take(Int32Array.from({ length: 64 }, (_, i) => i));
    const row = (i: number) => Array.from(r.noise.delta.subarray(i * 784, (i + 1) * 784));
    const a = y.indexOf(y[0], 1);
    expect(row(a)).toEqual(row(0));
    const other = y.findIndex((c) => c !== y[0]);
    expect(row(other)).not.toEqual(row(0));
    expect(r.noise.size).toBe(64);
    model.dispose();
  }, 60_000);

  it('rejects a malformed config', () => {
    const { train } = digits(8, 1);
    const model = tinyCnn(0);
    expect(() => errorMinimizingNoise(model, train, { ...EM_SAMPLE_WISE, maxRounds: 0 }, 0)).toThrow(/maxRounds must be an integer >= 1/);
    model.dispose();
  });
});

describe('REM noise', () => {
  it("inner max is a real maximization: the adversarial loss is at least the loss at the defended point", () => {
    const { train } = digits(64, 1);
    const { x, y } = batchOf(train, 64);
    const model = tinyCnn(3);
    const opt = tf.train.momentum(0.05, 0.9);
    for (let i = 0; i < 10; i++) modelStep(model, opt, x, y, 0);
    const rng = new Rng(0);
    const d = remDefensiveNoise(model, x, y, SMALL_REM, rng);
    const [clean, adversarial] = tf.tidy(() => {
      const defended = tf.add(x, d);
      const adv = pgdAttack(model, defended, y, SMALL_REM.adversary, rng);
      return [crossEntropy(model, defended, y).dataSync()[0], crossEntropy(model, adv, y).dataSync()[0]];
    });
    expect(adversarial).toBeGreaterThanOrEqual(clean);
    expect(tf.tidy(() => tf.max(tf.abs(d)).dataSync()[0])).toBeLessThanOrEqual(8 / 255 + 1e-6);
    tf.dispose([x, y, d]);
    opt.dispose();
    model.dispose();
  }, 60_000);

  it('defensive noise lowers the robust (adversarial) loss it minimizes', () => {
    const { train } = digits(64, 1);
    const { x, y } = batchOf(train, 64);
    const model = tinyCnn(4);
    const opt = tf.train.momentum(0.05, 0.9);
    for (let i = 0; i < 10; i++) modelStep(model, opt, x, y, 0);
    const cfg: RemConfig = { ...SMALL_REM, defense: { radius: 8, steps: 8, stepSize: 2, randomStart: false }, augment: { pad: 0, flip: false } };
    const robustLoss = (input: tf.Tensor) =>
      tf.tidy(() => {
        // Averaged over a few attacks to smooth the random starts.
        let sum = 0;
        for (let s = 0; s < 4; s++) sum += crossEntropy(model, pgdAttack(model, input, y, cfg.adversary, new Rng(100 + s)), y).dataSync()[0];
        return sum / 4;
      });
    const d = remDefensiveNoise(model, x, y, cfg, new Rng(1));
    const before = robustLoss(x);
    const after = tf.tidy(() => robustLoss(tf.add(x, d)));
    expect(after).toBeLessThan(before - 0.05);
    tf.dispose([x, y, d]);
    opt.dispose();
    model.dispose();
  }, 60_000);

  it("re-makes a batch's noise only every perturbEvery-th step: between re-makes the model trains on the stored noise", () => {
    const { train } = digits(64, 1);
    const losses = (cfg: RemConfig) => {
      const model = tinyCnn(6);
      const r = robustErrorMinimizingNoise(model, train, { ...cfg, epochs: 2 }, 3);
      model.dispose();
      return r.loss;
    };
    // Never re-made during the 4 steps: the model sees zero noise, as with a defense of radius 0 (which draws no random numbers).
    const never = losses({ ...SMALL_REM, perturbEvery: 5 });
    expect(never).toHaveLength(4);
    expect(losses({ ...SMALL_REM, perturbEvery: 1, defense: { ...SMALL_REM.defense, radius: 0 } })).toEqual(never);
    // Re-made at the 2nd and 4th steps: the first step is still on zero noise, the second is not.
    const every2 = losses({ ...SMALL_REM, perturbEvery: 2 });
    expect(every2[0]).toBe(never[0]);
    expect(every2[1]).not.toBe(never[1]);
  }, 60_000);

  it('rejects a malformed config', () => {
    const { train } = digits(8, 1);
    const model = tinyCnn(0);
    expect(() => robustErrorMinimizingNoise(model, train, { ...SMALL_REM, perturbEvery: 0 }, 0)).toThrow(/perturbEvery must be an integer >= 1/);
    expect(() => robustErrorMinimizingNoise(model, train, { ...SMALL_REM, eotSamples: 1.5 }, 0)).toThrow(/eotSamples must be an integer >= 1/);
    model.dispose();
  });

  it('runs the min-min-max generator without leaking tensors, seeded', () => {
    const { train } = digits(64, 1);
    const run = () => {
      const model = tinyCnn(5);
      const r = robustErrorMinimizingNoise(model, train, SMALL_REM, 9);
      model.dispose();
      return r;
    };
    const a = run();
    const before = tf.memory().numTensors;
    expect(a.steps).toBe(2); // 1 epoch of 64 images in batches of 32
    expect(a.loss).toHaveLength(2);
    // Stored at int8 precision.
    const scaled = Array.from(a.noise.delta.subarray(0, 784), (v) => v * 255);
    for (const v of scaled) expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-3);
    expect(Math.max(...scaled.map(Math.abs))).toBeLessThanOrEqual(8 + 1e-3);
    const b = run();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(b.noise.delta)).toEqual(Array.from(a.noise.delta));
  }, 60_000);
});
