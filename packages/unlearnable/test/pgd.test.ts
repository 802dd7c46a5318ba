import { initBackend, Rng, tf } from '@proj/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, madryPgd, modelStep, papers, pgdAttack, pgdPerturbation, projectLinf } from '../src/index.js';
import { batchOf, digits, tinyCnn } from './nets.js';

let model: tf.Sequential;
let x: tf.Tensor;
let y: tf.Tensor;

beforeAll(async () => {
  await initBackend();
  model = tinyCnn(0);
  ({ x, y } = batchOf(digits(64, 1).train, 64));
  // A few steps so the attack works against a model that has learned something.
  const opt = tf.train.momentum(0.05, 0.9);
  for (let i = 0; i < 20; i++) modelStep(model, opt, x, y, 0);
  opt.dispose();
}, 60_000);

afterAll(() => {
  tf.dispose([x, y]);
  model.dispose();
});

const lossAt = (input: tf.Tensor) => tf.tidy(() => crossEntropy(model, input, y).dataSync()[0]);

describe('L-inf PGD', () => {
  it('cites the paper it implements', () => {
    expect(papers.map((p) => p.arxiv)).toEqual(['2203.14533']);
  });

  it('projects onto the intersection of the ball and the pixel box, by hand', () => {
    const out = tf.tidy(() =>
      Array.from(projectLinf(tf.tensor1d([0.5, -0.5, 0.02, -0.02, 0.3]), 0.1, tf.tensor1d([0.5, 0.5, 0.99, 0.01, 0.95])).dataSync()),
    );
    // ball clips 0.5 -> 0.1 and -0.5 -> -0.1; the box clips 0.02 at 1 - 0.99 and -0.02 at -0.01, 0.3 at 0.05.
    [0.1, -0.1, 0.01, -0.01, 0.05].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
    const ballOnly = tf.tidy(() => Array.from(projectLinf(tf.tensor1d([0.5, -0.05]), 0.1).dataSync()));
    expect(ballOnly[0]).toBeCloseTo(0.1, 6);
    expect(ballOnly[1]).toBeCloseTo(-0.05, 6);
  });

  it('increases the loss and respects the radius exactly and the [0, 1] box', () => {
    const before = lossAt(x);
    const adv = pgdAttack(model, x, y, madryPgd(8, 10), new Rng(3));
    const after = lossAt(adv);
    expect(after).toBeGreaterThan(before + 0.05);
    const [maxDelta, lo, hi] = tf.tidy(() => {
      const d = tf.sub(adv, x);
      return [tf.max(tf.abs(d)).dataSync()[0], tf.min(adv).dataSync()[0], tf.max(adv).dataSync()[0]];
    });
    expect(maxDelta).toBeLessThanOrEqual(8 / 255 + 1e-6);
    // Sign steps of 1.6/255 from a random start reach the boundary of the ball.
    expect(maxDelta).toBeGreaterThan(8 / 255 - 1e-6);
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
    adv.dispose();
  });

  it('descends for error-minimizing noise: the loss goes down', () => {
    const before = lossAt(x);
    const d = pgdPerturbation(tf.grad((u) => crossEntropy(model, tf.add(x, u), y)), { radius: 8, steps: 10, stepSize: 1.6, randomStart: false }, { ascend: false, rng: new Rng(0), shape: x.shape, x });
    const after = tf.tidy(() => lossAt(tf.add(x, d)));
    expect(after).toBeLessThan(before * 0.5);
    expect(tf.tidy(() => tf.max(tf.abs(d)).dataSync()[0])).toBeLessThanOrEqual(8 / 255 + 1e-6);
    d.dispose();
  });

  it('takes one step of exactly stepSize * sign(gradient) from zero', () => {
    const g = tf.tensor1d([2, -3, 0.5, 0]);
    const d = pgdPerturbation(() => g.clone(), { radius: 10, steps: 1, stepSize: 1, randomStart: false }, { ascend: true, rng: new Rng(0), shape: [4] });
    expect(Array.from(d.dataSync())).toEqual(Array.from(new Float32Array([1 / 255, -1 / 255, 1 / 255, 0])));
    tf.dispose([g, d]);
  });

  it('is seeded: the same seed gives the same adversarial examples', () => {
    const a = pgdAttack(model, x, y, madryPgd(4, 3), new Rng(7));
    const b = pgdAttack(model, x, y, madryPgd(4, 3), new Rng(7));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('rejects a malformed config with a clear error', () => {
    expect(() => pgdAttack(model, x, y, { radius: -1, steps: 1, stepSize: 1, randomStart: false }, new Rng(0))).toThrow(/radius must be finite and >= 0/);
    expect(() => pgdAttack(model, x, y, { radius: 4, steps: 1.5, stepSize: 1, randomStart: false }, new Rng(0))).toThrow(/steps must be an integer/);
  });

  it('does not leak tensors', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) pgdAttack(model, x, y, madryPgd(4, 2), new Rng(i)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
