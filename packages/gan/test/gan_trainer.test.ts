import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adam, initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dcganDiscriminator28,
  dcganGenerator28,
  disposeNetwork,
  EmaGenerator,
  GanTrainer,
  loadGanCheckpoint,
  sampleGenerator,
  saveGanCheckpoint,
  snganDiscriminator32,
  snganGenerator32,
  type GanLoss,
  type GeneratorNetwork,
  type Network,
} from '../src/index.js';

// The fast conv kernels, as the demo uses them; the load of a shared CI machine gets generous timeouts.
beforeAll(() => initBackend());
const TIMEOUT = 60_000;

const realBatch = (n: number, seed: number, shape = [28, 28, 1]) => () => tf.tidy(() => tf.tanh(tf.randomNormal([n, ...shape], 0, 1, 'float32', seed)));

function pair(loss: GanLoss = 'hinge', spectralNorm = false) {
  const g = dcganGenerator28({ zDim: 8, width: 2, seed: 1 });
  const d = dcganDiscriminator28({ width: 4, seed: 2, spectralNorm });
  const gEma = dcganGenerator28({ zDim: 8, width: 2, seed: 9 });
  const ema = new EmaGenerator(g, gEma, { decay: 0.5 });
  const opts = [adam(1e-2, { beta1: 0.5 }), adam(1e-2, { beta1: 0.5 })];
  const dSteps: number[] = [];
  const trainer = new GanTrainer(
    g,
    d,
    { loss, nDis: 3, batchSize: 4, generatorOptimizer: opts[0], discriminatorOptimizer: opts[1], seed: 7, ema },
    { afterDiscriminatorStep: [({ step }) => dSteps.push(step)] },
  );
  const dispose = () => {
    opts.forEach((o) => o.dispose());
    [g, d, gEma].forEach((n: Network) => disposeNetwork(n));
  };
  return { g, d, gEma, ema, trainer, dSteps, dispose };
}

describe('architectures', () => {
  it('building and disposing networks leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const nets = [dcganGenerator28({ seed: 0 }), dcganDiscriminator28({ seed: 0, spectralNorm: true }), snganGenerator32({ width: 2, seed: 0 }), snganDiscriminator32({ width: 2, seed: 0 })];
    expect(tf.memory().numTensors).toBe(before + nets.reduce((n, net) => n + Object.keys(net.variables).length, 0));
    nets.forEach((net: Network) => disposeNetwork(net));
    expect(tf.memory().numTensors).toBe(before);
  }, TIMEOUT);

  it('DCGAN-like 28x28: G maps [n, zDim] to [n, 28, 28, 1] in [-1, 1], D to [n, 1]; prunable kernels in layer order', () => {
    const g = dcganGenerator28({ zDim: 8, width: 2, seed: 0 });
    const d = dcganDiscriminator28({ width: 4, seed: 0, spectralNorm: true });
    const x = sampleGenerator(g, 3, 0);
    expect(x.shape).toEqual([3, 28, 28, 1]);
    expect(Math.max(...Array.from(x.dataSync(), Math.abs))).toBeLessThanOrEqual(1);
    const logits = d.apply(x, true);
    expect(logits.shape).toEqual([3, 1]);
    expect(g.prunable.map((l) => l.shape)).toEqual([
      [8, 7 * 7 * 8],
      [5, 5, 4, 8],
      [5, 5, 1, 4],
    ]);
    expect(() => d.apply(tf.zeros([2, 32, 32, 3]))).toThrow(/\[n, 28, 28, 1\], got \[2, 32, 32, 3\]/);
    expect(() => dcganGenerator28({ width: 0, seed: 0 })).toThrow(/width must be a positive integer/);
    tf.dispose([x, logits]);
    disposeNetwork(g);
    disposeNetwork(d);
  }, TIMEOUT);

  it('SNGAN-like 32x32 RGB: shapes, and a training step with spectral norm on every D kernel leaks nothing', () => {
    const g = snganGenerator32({ zDim: 8, width: 2, seed: 0 });
    const d = snganDiscriminator32({ width: 2, seed: 1 });
    const x = sampleGenerator(g, 2, 0);
    expect(x.shape).toEqual([2, 32, 32, 3]);
    expect(d.prunable).toHaveLength(8);
    const opts = [adam(1e-3), adam(1e-3)];
    const trainer = new GanTrainer(g, d, { loss: 'hinge', nDis: 1, batchSize: 2, generatorOptimizer: opts[0], discriminatorOptimizer: opts[1], seed: 0 });
    trainer.trainStep(realBatch(2, 0, [32, 32, 3]));
    const before = tf.memory().numTensors;
    trainer.trainStep(realBatch(2, 1, [32, 32, 3]));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    opts.forEach((o) => o.dispose());
    disposeNetwork(g);
    disposeNetwork(d);
  }, TIMEOUT);
});

describe('GanTrainer', () => {
  it('makes nDis D updates per G step, and the same seeds give the same losses', () => {
    const losses = (loss: GanLoss) => {
      const run = pair(loss, true);
      const out = [1, 2].map((s) => run.trainer.trainStep(realBatch(4, s)));
      expect(run.dSteps).toEqual([1, 1, 1, 2, 2, 2]);
      run.dispose();
      return out;
    };
    for (const loss of ['non-saturating', 'hinge', 'lsgan'] as const) {
      const a = losses(loss);
      expect(losses(loss)).toEqual(a);
      expect(a.every((r) => Number.isFinite(r.dLoss) && Number.isFinite(r.gLoss))).toBe(true);
    }
  }, TIMEOUT);

  it('does not leak tensors across steps (spectral norm on)', () => {
    const { trainer, dispose } = pair('non-saturating', true);
    trainer.trainStep(realBatch(4, 0));
    const before = tf.memory().numTensors;
    for (let s = 1; s < 4; s++) trainer.trainStep(realBatch(4, s));
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  }, TIMEOUT);

  it('EMA: theta_ema <- decay theta_ema + (1 - decay) theta, copying before `start`', () => {
    const { g, gEma, ema, dispose } = pair();
    const name = Object.keys(g.variables)[0];
    const emaName = name.replace(g.scope, gEma.scope);
    const w0 = Float32Array.from(g.variables[name].dataSync());
    expect(Array.from(gEma.variables[emaName].dataSync())).toEqual(Array.from(w0));
    g.variables[name].assign(tf.add(g.variables[name], 1));
    ema.update(1);
    const avg = gEma.variables[emaName].dataSync();
    // decay 0.5: halfway between the old and the new weights.
    for (const i of [0, 7, 100]) expect(avg[i]).toBeCloseTo(w0[i] + 0.5, 5);
    const late = new EmaGenerator(g, gEma, { decay: 0.5, start: 10 });
    g.variables[name].assign(tf.add(g.variables[name], 1));
    late.update(3);
    expect(gEma.variables[emaName].dataSync()[0]).toBeCloseTo(w0[0] + 2, 5);
    expect(() => new EmaGenerator(g, gEma, { decay: 1 })).toThrow(/decay must be in \[0, 1\)/);
    dispose();
  }, TIMEOUT);

  it('checkpoints round-trip into freshly built networks: same samples, same step', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gan-ckpt-'));
    const a = pair();
    for (let s = 0; s < 2; s++) a.trainer.trainStep(realBatch(4, s));
    saveGanCheckpoint(join(dir, 'run.safetensors'), a.trainer);
    const b = pair();
    loadGanCheckpoint(join(dir, 'run.safetensors'), b.trainer);
    expect(b.trainer.step).toBe(2);
    const same = (x: GeneratorNetwork, y: GeneratorNetwork) => {
      const [s, t] = [sampleGenerator(x, 4, 3), sampleGenerator(y, 4, 3)];
      expect(Array.from(t.dataSync())).toEqual(Array.from(s.dataSync()));
      tf.dispose([s, t]);
    };
    same(a.g, b.g);
    same(a.gEma, b.gEma);
    a.dispose();
    b.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT);

  it('rejects bad configs with clear errors', () => {
    const { g, d, dispose } = pair();
    const o = adam(1e-3);
    expect(() => new GanTrainer(g, d, { loss: 'hinge', nDis: 0, batchSize: 4, generatorOptimizer: o, discriminatorOptimizer: o, seed: 0 })).toThrow(
      /nDis must be an integer >= 1/,
    );
    o.dispose();
    dispose();
  }, TIMEOUT);
});
