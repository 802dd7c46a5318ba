import { Rng, subset, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  activeCount,
  coveringAverage,
  FedSpa,
  FedSpaClient,
  flattenMask,
  getParams,
  iidPartition,
  maskBytes,
  ownTestSplits,
  setParams,
  sparseMessageBytes,
  unflattenMask,
} from '../src/index.js';
import { blobs } from './nets.js';

/** MLP 4-16-2 with a seeded init: two prunable kernels (64 and 32 weights) and two dense biases (18). */
function mlp(): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: s });
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 2, kernelInitializer: init(2) }),
    ],
  });
}
const SIZE = 4 * 16 + 16 + 16 * 2 + 2;
const BIASES = [...Array.from({ length: 16 }, (_, i) => 64 + i), 112, 113];
const cfg = { epochs: 1, batchSize: 10, weightDecay: 1e-3, clipNorm: 10 };

function initialParams(): Float32Array {
  const m = mlp();
  const p = getParams(m);
  m.dispose();
  return p;
}

describe('FedSpa', () => {
  it('coveringAverage: mean over covering masks, or global + mean sparse update, vs hand-computed values', () => {
    const prev = Float32Array.from([9, 9, 9, 9]);
    const models = [
      { values: Float32Array.from([1, 2, 3, 4]), mask: Uint8Array.from([1, 1, 0, 0]) },
      { values: Float32Array.from([3, 0, 5, 7]), mask: Uint8Array.from([1, 0, 1, 0]) },
    ];
    // (1+3)/2, 2 alone, 5 alone, nobody covers -> previous 9.
    expect([...coveringAverage(prev, models)]).toEqual([2, 2, 5, 9]);
    // 9 + ((1-9)+(3-9))/2, 9 + (2-9)/2, 9 + (5-9)/2, 9.
    expect([...coveringAverage(prev, models, 'update')]).toEqual([2, 5.5, 7, 9]);
    expect(() => coveringAverage(prev, [{ values: new Float32Array(3), mask: new Uint8Array(4) }])).toThrow(/models\[0\] has 3 values/);
    expect(() => coveringAverage(prev, [])).toThrow(/no client models/);
  });

  it('bytes: 4 per active value, plus the cheaper of a bitmap and 4-byte indices for a mask', () => {
    expect(sparseMessageBytes(100, 10, false)).toBe(40);
    expect(sparseMessageBytes(100, 10, true)).toBe(40 + 13);
    expect(maskBytes(1000, 2)).toBe(8);
    expect(maskBytes(159010, 50000)).toBe(19877);
    expect(() => maskBytes(10, 11)).toThrow(/active must be an integer in \[0, 10\]/);
  });

  it('flat masks: kernels only, round trip through a MaskSet', () => {
    const m = mlp();
    const flat = new Uint8Array(SIZE).fill(1);
    flat[3] = 0;
    flat[90] = 0;
    const set = unflattenMask(m, flat);
    expect(Object.keys(set)).toHaveLength(2);
    expect([...flattenMask(m, set)]).toEqual([...flat]);
    expect(() => unflattenMask(m, new Uint8Array(5))).toThrow(/mask has 5 entries, the model has 114/);
    m.dispose();
  });

  it('client: ERK mask, active count fixed through prune/regrow (gradient and random), zeros outside the mask', async () => {
    const data = blobs(60, 0);
    for (const grow of ['gradient', 'random'] as const) {
      const client = new FedSpaClient(0, data, mlp, cfg, { density: 0.5, seed: 3 });
      const m0 = client.mask;
      // ERK at density 0.5 keeps round(0.5 * 96) kernel weights (up to per-layer rounding) and every bias.
      expect(activeCount(m0) - 18).toBeGreaterThanOrEqual(47);
      expect(activeCount(m0) - 18).toBeLessThanOrEqual(49);
      for (const i of BIASES) expect(m0[i]).toBe(1);
      let params = initialParams();
      let changed = 0;
      for (let round = 0; round < 3; round++) {
        const before = client.mask;
        const r = await client.fit({ round, params, lr: 0.1, seed: round, regrow: { pruneFraction: 0.5, endRound: 4, grow } });
        expect(activeCount(r.mask)).toBe(activeCount(m0));
        for (let i = 0; i < SIZE; i++) if (!r.mask[i]) expect(r.values[i]).toBe(0);
        for (const i of BIASES) expect(r.mask[i]).toBe(1);
        changed += before.reduce((s, b, i) => s + (b !== r.mask[i] ? 1 : 0), 0);
        params = r.values;
      }
      expect(changed).toBeGreaterThan(0);
      // Without regrow the mask stays.
      const before = client.mask;
      const r = await client.fit({ round: 3, params, lr: 0.1, seed: 9 });
      expect([...r.mask]).toEqual([...before]);
    }
  });

  it('federation: personalized models learn, bytes as counted by hand, same seed same model, no tensor leak', async () => {
    const train = blobs(400, 1);
    const test = blobs(200, 2);
    const parts = iidPartition(train.size, 6, 3);
    const make = () => parts.map((idx, k) => new FedSpaClient(k, subset(train, idx), mlp, cfg, { density: 0.5, seed: 10 + k }));
    const run = async (rounds: number) => {
      const clients = make();
      const fed = new FedSpa(clients, initialParams(), { fraction: 0.5, lr: 0.5, seed: 4, rounds: 10 });
      const masks = clients.map((c) => c.mask);
      await fed.runRound();
      // Down: the active values; up: the active values and a 114-bit mask (15 bytes).
      const expected = fed.history[0].clients.reduce((s, k) => s + 4 * activeCount(masks[k]) * 2 + 15, 0);
      expect(fed.history[0].bytes).toBe(expected);
      const n0 = tf.memory().numTensors;
      await fed.run(rounds - 1);
      expect(tf.memory().numTensors).toBe(n0);
      return fed;
    };
    const a = await run(10);
    const b = await run(10);
    expect([...a.global]).toEqual([...b.global]);
    const m = mlp();
    let acc = 0;
    for (let k = 0; k < 6; k++) {
      const p = a.personalized(k);
      const mask = a.clients[k].mask;
      for (let i = 0; i < SIZE; i++) expect(p[i]).toBe(mask[i] ? a.global[i] : 0);
      setParams(m, p);
      acc += (await accuracy(m, test)) / 6;
    }
    m.dispose();
    expect(acc).toBeGreaterThan(0.85);
  });

  it('ownTestSplits: each client tested on its own label proportions', () => {
    const labels = Int32Array.from({ length: 300 }, (_, i) => i % 3);
    const splits = ownTestSplits(labels, [Int32Array.from([10, 0, 30]), Int32Array.from([1, 1, 1])], 40, new Rng(0));
    const classes = (s: Int32Array) => [0, 1, 2].map((c) => [...s].filter((i) => labels[i] === c).length);
    expect(classes(splits[0])).toEqual([10, 0, 30]);
    expect(classes(splits[1])).toEqual([13, 13, 13]);
    expect(new Set(splits[0]).size).toBe(40);
    expect(() => ownTestSplits(labels, [Int32Array.from([0, 0, 0])], 10, 0)).toThrow(/counts\[0\] is all zero/);
  });
});
