import { adam, initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dcganDiscriminator28, dcganGenerator28, disposeNetwork, EmaGenerator, GanTrainer, stuGan, type Network } from '../src/index.js';

// The fast conv kernels, as the demo uses them; the load of a shared CI machine gets generous timeouts.
beforeAll(() => initBackend());
const TIMEOUT = 60_000;

const active = (m: { data: Uint8Array }) => m.data.reduce((a, b) => a + b, 0);
const realBatch = (n: number, seed: number) => () => tf.tidy(() => tf.tanh(tf.randomNormal([n, 28, 28, 1], 0, 1, 'float32', seed)));

function setup(explore: boolean) {
  const g = dcganGenerator28({ zDim: 8, width: 2, seed: 1 });
  const d = dcganDiscriminator28({ width: 4, seed: 2 });
  const gEma = dcganGenerator28({ zDim: 8, width: 2, seed: 3 });
  const sparse = stuGan(g, d, { generatorDensity: 0.2, discriminatorDensity: 0.5, explore, updateEvery: 2, pruneFraction: 0.5, endStep: 12, seed: 4 });
  const ema = new EmaGenerator(g, gEma, { decay: 0.9, masks: sparse.generatorMaskSet });
  const gOpt = adam(1e-2, { beta1: 0.5 });
  const dOpt = adam(1e-2, { beta1: 0.5 });
  const trainer = new GanTrainer(
    g,
    d,
    { loss: 'non-saturating', nDis: 2, batchSize: 4, generatorOptimizer: gOpt, discriminatorOptimizer: dOpt, seed: 5, ema },
    sparse.hooks,
  );
  const dispose = () => {
    gOpt.dispose();
    dOpt.dispose();
    [g, d, gEma].forEach((n: Network) => disposeNetwork(n));
  };
  return { g, d, gEma, sparse, trainer, dispose };
}

describe('stuGan', () => {
  it('G explores: masks change, every layer keeps its active count, pruned weights stay 0, EMA is as sparse as G', () => {
    const { g, gEma, sparse, trainer, dispose } = setup(true);
    const before = Object.fromEntries(Object.entries(sparse.generatorMasks.masks).map(([n, m]) => [n, { count: active(m), data: Uint8Array.from(m.data) }]));
    for (let s = 0; s < 12; s++) trainer.trainStep(realBatch(4, s));
    const history = sparse.exploration!.history;
    expect(history.map((h) => h.step)).toEqual([2, 4, 6, 8, 10]);
    let moved = 0;
    for (const [name, m] of Object.entries(sparse.generatorMasks.masks)) {
      expect(active(m)).toBe(before[name].count);
      moved += m.data.reduce((n, x, i) => n + (x !== before[name].data[i] ? 1 : 0), 0);
      const w = g.variables[name].dataSync();
      const avg = gEma.variables[name.replace(g.scope, gEma.scope)].dataSync();
      m.data.forEach((on, i) => {
        if (!on) {
          expect(w[i]).toBe(0);
          expect(avg[i]).toBe(0);
        }
      });
    }
    expect(moved).toBeGreaterThan(0);
    for (const h of history) for (const [name, n] of Object.entries(h.active)) expect(n).toBe(before[name].count);
    dispose();
  }, TIMEOUT);

  it("D's mask never changes and its pruned weights stay 0; the static baseline's G mask never changes", () => {
    const { g, d, sparse, trainer, dispose } = setup(false);
    const dMasks = sparse.discriminatorMasks!.masks;
    const dBefore = Object.fromEntries(Object.entries(dMasks).map(([n, m]) => [n, Uint8Array.from(m.data)]));
    const gBefore = Object.fromEntries(Object.entries(sparse.generatorMasks.masks).map(([n, m]) => [n, Uint8Array.from(m.data)]));
    expect(sparse.exploration).toBeUndefined();
    for (let s = 0; s < 6; s++) trainer.trainStep(realBatch(4, s));
    for (const [name, m] of Object.entries(sparse.discriminatorMasks!.masks)) {
      expect(m.data).toEqual(dBefore[name]);
      const w = d.variables[name].dataSync();
      m.data.forEach((on, i) => on || expect(w[i]).toBe(0));
    }
    for (const [name, m] of Object.entries(sparse.generatorMasks.masks)) {
      expect(m.data).toEqual(gBefore[name]);
      const w = g.variables[name].dataSync();
      m.data.forEach((on, i) => on || expect(w[i]).toBe(0));
    }
    dispose();
  }, TIMEOUT);

  it('ERK: G at density 0.2 and D at 0.5 keep exactly those global densities', () => {
    const { sparse, dispose } = setup(true);
    const density = (masks: Record<string, { data: Uint8Array }>) => {
      const all = Object.values(masks);
      return all.reduce((n, m) => n + active(m), 0) / all.reduce((n, m) => n + m.data.length, 0);
    };
    expect(density(sparse.generatorMasks.masks)).toBeCloseTo(0.2, 3);
    expect(density(sparse.discriminatorMasks!.masks)).toBeCloseTo(0.5, 3);
    dispose();
  }, TIMEOUT);

  it('does not leak tensors across steps', () => {
    const { trainer, dispose } = setup(true);
    trainer.trainStep(realBatch(4, 0));
    const before = tf.memory().numTensors;
    for (let s = 1; s < 6; s++) trainer.trainStep(realBatch(4, s));
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  }, TIMEOUT);

  it('rescales the kept initial weights of each masked kernel by 1 / sqrt(layer density)', () => {
    const build = (rescaleInit: boolean) => {
      const g = dcganGenerator28({ zDim: 8, width: 2, seed: 1 });
      const d = dcganDiscriminator28({ width: 4, seed: 2 });
      const sparse = stuGan(g, d, { generatorDensity: 0.2, discriminatorDensity: 0.5, explore: false, updateEvery: 2, pruneFraction: 0.5, endStep: 12, seed: 4, rescaleInit });
      return { g, d, sparse };
    };
    const a = build(false);
    const b = build(true);
    for (const [net, masks] of [
      ['g', a.sparse.generatorMasks.masks],
      ['d', a.sparse.discriminatorMasks!.masks],
    ] as const) {
      const nets = net === 'g' ? [a.g, b.g] : [a.d, b.d];
      for (const [name, m] of Object.entries(masks)) {
        const density = active(m) / m.data.length;
        const plain = nets[0].variables[name].dataSync();
        const scaled = nets[1].variables[name.replace(nets[0].scope, nets[1].scope)].dataSync();
        const i = m.data.indexOf(1);
        expect(scaled[i]).toBeCloseTo(density < 1 ? plain[i] / Math.sqrt(density) : plain[i], 5);
      }
    }
    [a.g, a.d, b.g, b.d].forEach((n: Network) => disposeNetwork(n));
  }, TIMEOUT);

  it('rejects densities outside (0, 1]', () => {
    const g = dcganGenerator28({ zDim: 8, width: 2, seed: 1 });
    const d = dcganDiscriminator28({ width: 4, seed: 2 });
    expect(() => stuGan(g, d, { generatorDensity: 0, discriminatorDensity: 0.5, explore: true, updateEvery: 2, pruneFraction: 0.5, endStep: 10, seed: 0 })).toThrow(
      /generatorDensity must be in \(0, 1\]/,
    );
    disposeNetwork(g);
    disposeNetwork(d);
  }, TIMEOUT);
});
