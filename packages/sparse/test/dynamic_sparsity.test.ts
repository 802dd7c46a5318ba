import { modelVariables, Rng, tf, train, weightMask } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { DynamicSparsity, MaskedWeights, pruneAtInit, rigl, set } from '../src/index.js';

function activeCounts(ds: DynamicSparsity): Record<string, number> {
  return Object.fromEntries(Object.entries(ds.masked.masks).map(([n, m]) => [n, m.data.reduce((a, b) => a + b, 0)]));
}

describe('DynamicSparsity', () => {
  it('drops the smallest |w| among active weights and grows the largest |g| among the rest, at 0', () => {
    //              0    1     2    3     4    5    6    7
    const w = tf.variable(tf.tensor1d([0.9, -0.1, 0.5, -0.05, 0, 0, 0, 0]), true, 'ds_w');
    const masked = new MaskedWeights({ ds_w: w }, { ds_w: weightMask([8], [1, 1, 1, 1, 0, 0, 0, 0]) });
    const ds = new DynamicSparsity(masked, { updateEvery: 1, pruneFraction: 0.5, schedule: 'constant', endStep: 10, grow: 'gradient', seed: 0 });
    // k = 0.5 * 4 = 2: drop 3 (|-0.05|) and 1 (|-0.1|); grow 6 and 4, the largest |g| among 1, 3, 4, 5, 6, 7.
    const g = new Float32Array([9, 0.2, 9, 0.1, -0.7, 0.3, 0.8, 0.05]);
    const u = ds.update(1, { ds_w: g });
    expect(Array.from(masked.masks.ds_w.data)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(w.dataSync())).toEqual([expect.closeTo(0.9, 6), 0, expect.closeTo(0.5, 6), 0, 0, 0, 0, 0]);
    expect(u).toEqual({ step: 1, fraction: 0.5, moved: { ds_w: 2 }, active: { ds_w: 4 } });
    // A just-dropped weight with a large gradient is regrown, so it does not count as moved.
    w.assign(tf.tensor1d([0.9, 0, 0.5, 0, 0.01, 0, 0.02, 0]));
    ds.update(2, { ds_w: new Float32Array([0, 0, 0, 0, 5, 0, 0, 1]) });
    expect(Array.from(masked.masks.ds_w.data)).toEqual([1, 0, 1, 0, 1, 0, 0, 1]);
    expect(ds.history[1].moved.ds_w).toBe(1);
    w.dispose();
  });

  it('cosine schedule: alpha/2 (1 + cos(pi t / T)), and no updates from endStep on', () => {
    const w = tf.variable(tf.zeros([4]), true, 'sched_w');
    const masked = new MaskedWeights({ sched_w: w }, { sched_w: weightMask([4], [1, 1, 0, 0]) });
    const ds = new DynamicSparsity(masked, rigl({ totalSteps: 1000, seed: 0 }));
    expect(ds.config).toMatchObject({ updateEvery: 100, pruneFraction: 0.3, schedule: 'cosine', endStep: 750, grow: 'gradient' });
    expect(ds.fractionAt(0)).toBeCloseTo(0.3, 12);
    expect(ds.fractionAt(375)).toBeCloseTo(0.15, 12);
    expect(ds.fractionAt(750)).toBeCloseTo(0, 12);
    expect([100, 700, 750, 800, 150].map((s) => ds.isUpdateStep(s))).toEqual([true, true, false, false, false]);
    const s = set({ stepsPerEpoch: 40, totalSteps: 400, seed: 1 });
    expect(s).toMatchObject({ updateEvery: 40, pruneFraction: 0.3, schedule: 'constant', grow: 'random' });
    w.dispose();
  });

  it('RigL inside train(): active counts constant, pruned weights 0, growth follows the gradient, no leak', async () => {
    const rng = new Rng(3);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [12], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: rng.tfSeed() }) }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.tfSeed() }) }),
      ],
    });
    const { masked } = pruneAtInit(model, { scheme: 'erk', density: 0.25, seed: 1 });
    const ds = new DynamicSparsity(masked, rigl({ totalSteps: 40, seed: 2, updateEvery: 5 }));
    const before = activeCounts(ds);
    const x = tf.tensor2d(rng.normalArray(32 * 12), [32, 12]);
    const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: 32 }, () => rng.int(3)), 'int32'), 3);
    const optimizer = tf.train.sgd(0.1);
    const counts: number[] = [];
    // At one update step, the grown weights must be the top-|g| inactive ones.
    const name = Object.keys(masked.masks)[0];
    let seen: { old: Uint8Array; g: number[] } | undefined;
    let checked = false;
    const record = (grads: tf.NamedTensorMap, { step }: { step: number }) => {
      if (step === 10) seen = { old: masked.masks[name].data.slice(), g: Array.from(grads[name].dataSync()).map(Math.abs) };
    };
    const check = ({ step }: { step: number }) => {
      if (step !== 10 || !seen) return;
      const now = masked.masks[name].data;
      const grown = [...now.keys()].filter((i) => now[i] && !seen!.old[i]);
      const stillOff = [...now.keys()].filter((i) => !now[i] && !seen!.old[i]);
      expect(grown.length).toBeGreaterThan(0);
      expect(Math.min(...grown.map((i) => seen!.g[i]))).toBeGreaterThanOrEqual(Math.max(...stillOff.map((i) => seen!.g[i])));
      for (const i of grown) expect(masked.variables[name].dataSync()[i]).toBe(0);
      checked = true;
    };
    await train({
      variables: Object.values(modelVariables(model)),
      optimizer,
      loss: () => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar,
      batches: () => Array.from({ length: 40 }, (_, i) => i),
      epochs: 1,
      onGradients: [record, ds.onGradients],
      afterStep: [ds.afterStep, check, () => counts.push(tf.memory().numTensors)],
    });
    expect(checked).toBe(true);
    // Updates at steps 5, 10, ..., 25 (endStep = 30).
    expect(ds.history.map((h) => h.step)).toEqual([5, 10, 15, 20, 25]);
    expect(ds.history.some((h) => Object.values(h.moved).some((m) => m > 0))).toBe(true);
    expect(activeCounts(ds)).toEqual(before);
    for (const [name, m] of Object.entries(masked.masks)) {
      const w = masked.variables[name].dataSync();
      m.data.forEach((keep, i) => keep || expect(w[i]).toBe(0));
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });

  it('random growth is seeded and keeps counts', () => {
    const run = (seed: number) => {
      const w = tf.variable(tf.tensor1d(Float32Array.from({ length: 50 }, (_, i) => (i % 2 ? 0 : i + 1))), true, `rand_w_${seed}_${Math.random()}`);
      const name = w.name;
      const masked = new MaskedWeights({ [name]: w }, { [name]: weightMask([50], Array.from({ length: 50 }, (_, i) => (i % 2 ? 0 : 1))) });
      const ds = new DynamicSparsity(masked, { updateEvery: 1, pruneFraction: 0.4, schedule: 'constant', endStep: 5, grow: 'random', seed });
      ds.update(1);
      const out = Array.from(masked.masks[name].data);
      w.dispose();
      return out;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    expect(run(1).reduce((a, b) => a + b, 0)).toBe(25);
  });

  it('rejects bad configs and missing gradients', () => {
    const w = tf.variable(tf.zeros([2]), true, 'bad_w');
    const masked = new MaskedWeights({ bad_w: w }, { bad_w: weightMask([2], [1, 0]) });
    const base = { updateEvery: 1, pruneFraction: 0.5, schedule: 'constant' as const, endStep: 5, grow: 'gradient' as const, seed: 0 };
    expect(() => new DynamicSparsity(masked, { ...base, updateEvery: 0 })).toThrow(/updateEvery must be an integer >= 1/);
    expect(() => new DynamicSparsity(masked, { ...base, pruneFraction: 2 })).toThrow(/pruneFraction must be in \[0, 1\]/);
    expect(() => new DynamicSparsity(masked, { ...base, schedule: 'linear' as never })).toThrow(/schedule must be/);
    const ds = new DynamicSparsity(masked, base);
    expect(() => ds.update(1)).toThrow(/needs grads\['bad_w'\]/);
    expect(() => ds.update(1, { bad_w: new Float32Array(3) })).toThrow(/has 3 entries, the weight has 2/);
    expect(() => ds.afterStep({ step: 1 })).toThrow(/add ds.onGradients/);
    w.dispose();
  });
});
