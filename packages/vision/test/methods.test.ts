import { ArrayDataset, Rng, initBackend, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  METHOD_NAMES,
  convEncoder,
  copyWeights,
  createMethod,
  emaMomentum,
  emaUpdate,
  mammogramPreset,
  pretrain,
  swav,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend();
});

const tinyEncoder = { channels: 1, filters: [4, 8], strides: [2, 2] };

/** 48 random 8x8 tiles (labels unused). */
function tiles(): ArrayDataset {
  return new ArrayDataset(new Rng(11).uniformArray(48 * 64), new Int32Array(48), [8, 8, 1], 1);
}

describe('EMA target (BYOL)', () => {
  it('follows tau xi + (1 - tau) theta and the cosine momentum schedule', () => {
    const target = [tf.variable(tf.tensor1d([1, 2]))];
    const online = [tf.variable(tf.tensor1d([3, -2]))];
    emaUpdate(target, online, 0.75);
    expect(Array.from(target[0].dataSync())).toEqual([1.5, 1]);
    copyWeights(target, online);
    expect(Array.from(target[0].dataSync())).toEqual([3, -2]);
    expect(emaMomentum(0.99, 0, 100)).toBeCloseTo(0.99, 12);
    expect(emaMomentum(0.99, 50, 100)).toBeCloseTo(0.995, 12);
    expect(emaMomentum(0.99, 100, 100)).toBeCloseTo(1, 12);
    expect(() => emaUpdate(target, [tf.variable(tf.zeros([3]))], 0.5)).toThrow(/equal sizes/);
  });
});

describe('SSL methods in the shared loop', () => {
  for (const name of METHOD_NAMES) {
    it(`${name}: finite losses, seeded, no tensor growth across steps`, { timeout: 60_000 }, async () => {
      const run = async () => {
        const encoder = convEncoder(tinyEncoder, new Rng(1));
        const method = createMethod(name, encoder, new Rng(2));
        const losses = await pretrain(method, {
          tiles: tiles(),
          augment: mammogramPreset(),
          seed: 3,
          config: { batchSize: 16, epochs: 2, learningRate: 1e-3 },
        });
        method.dispose();
        const weights = encoder.variables.map((v) => Array.from(v.dataSync()));
        encoder.variables.forEach((v) => v.dispose());
        return { losses, weights };
      };
      const before = tf.memory().numTensors;
      const a = await run();
      expect(tf.memory().numTensors).toBe(before);
      expect(a.losses.length).toBe(6);
      for (const l of a.losses) expect(Number.isFinite(l)).toBe(true);
      const b = await run();
      expect(b.losses).toEqual(a.losses);
      expect(b.weights).toEqual(a.weights);
    });
  }

  it('the loop keeps the tensor count constant from step to step', async () => {
    const encoder = convEncoder(tinyEncoder, new Rng(1));
    const method = createMethod('byol', encoder, new Rng(2));
    const counts: number[] = [];
    const wrapped = { ...method, afterStep: (s: number, t: number) => {
      method.afterStep?.(s, t);
      counts.push(tf.memory().numTensors);
    } };
    await pretrain(wrapped, { tiles: tiles(), augment: mammogramPreset(), seed: 3, config: { batchSize: 16, epochs: 2 } });
    expect(new Set(counts.slice(1)).size).toBe(1);
    method.dispose();
  });

  it('SwAV keeps its prototypes on the unit sphere', async () => {
    const encoder = convEncoder(tinyEncoder, new Rng(1));
    const method = swav(encoder, new Rng(2), { prototypes: 5 });
    await pretrain(method, { tiles: tiles(), augment: mammogramPreset(), seed: 3, config: { batchSize: 16, epochs: 1, learningRate: 1e-2 } });
    const prototypes = method.variables[method.variables.length - 1];
    expect(prototypes.shape).toEqual([64, 5]);
    for (const norm of tf.sqrt(tf.sum(tf.square(prototypes), 0)).dataSync()) expect(norm).toBeCloseTo(1, 5);
    method.dispose();
  });

  it('rejects an unknown method and a batch larger than the data', async () => {
    const encoder = convEncoder(tinyEncoder, new Rng(1));
    expect(() => createMethod('moco' as never, encoder, new Rng(0))).toThrow(/simclr, byol, swav, barlowtwins/);
    const method = createMethod('simclr', encoder, new Rng(0));
    await expect(pretrain(method, { tiles: tiles(), augment: mammogramPreset(), seed: 1, config: { batchSize: 100 } })).rejects.toThrow(
      /batchSize must be an integer in \[2, 48\]/,
    );
  });
});
