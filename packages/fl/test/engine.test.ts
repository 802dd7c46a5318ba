import { subset, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  Client,
  FedAvg,
  getParams,
  iidPartition,
  localTrain,
  paramsAccuracy,
  sampleClients,
  Scaffold,
  Server,
  setParams,
} from '../src/index.js';
import { blobs, linearModel } from './nets.js';

const noClip = { epochs: 1, batchSize: 1, lr: 0.5, weightDecay: 0, clipNorm: 0 };

describe('engine', () => {
  it('sampleClients: round(fraction N) distinct sorted ids, seeded', () => {
    const ids = sampleClients(100, 0.1, 7);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(sampleClients(100, 0.1, 7)).toEqual(ids);
    expect(sampleClients(3, 0.01, 0)).toHaveLength(1);
    expect(() => sampleClients(10, 0, 0)).toThrow(/fraction must be in \(0, 1\]/);
  });

  it('localTrain: one step with <v, w> + mu/2||w - a||^2 moves by -lr (v + mu (w0 - a)) more than plain SGD', async () => {
    const data = subset(blobs(8, 0), [3]);
    const w0 = Float32Array.from({ length: 10 }, (_, i) => 0.1 * (i - 5));
    const v = Float32Array.from({ length: 10 }, (_, i) => 0.01 * i);
    const a = Float32Array.from({ length: 10 }, (_, i) => 0.2 * i);
    const mu = 0.3;
    const run = async (objective: Parameters<typeof localTrain>[3]) => {
      const m = linearModel();
      setParams(m, w0);
      expect(await localTrain(m, data, noClip, objective, 0)).toBe(1);
      const p = getParams(m);
      m.dispose();
      return p;
    };
    const plain = await run({});
    const reg = await run({ linear: v, proximal: { mu, anchor: a } });
    for (let i = 0; i < 10; i++) expect(reg[i] - plain[i]).toBeCloseTo(-0.5 * (v[i] + mu * (w0[i] - a[i])), 5);
    const m = linearModel();
    await expect(localTrain(m, data, noClip, { linear: new Float32Array(3) }, 0)).rejects.toThrow(/linear has length 3, the model has 10/);
    m.dispose();
  });

  it('simulation: FedAvg and SCAFFOLD learn the task, same seed same model, no tensor leak', async () => {
    const train = blobs(400, 1);
    const test = blobs(200, 2);
    const parts = iidPartition(train.size, 8, 3);
    const cfg = { epochs: 1, batchSize: 10, weightDecay: 1e-3, clipNorm: 10 };
    const clients = parts.map((idx, k) => new Client(k, subset(train, idx), () => linearModel(), cfg));
    const initial = new Float32Array(10);
    const run = async (strategy: FedAvg | Scaffold) => {
      const server = new Server(clients, strategy, initial, {
        fraction: 0.5,
        lr: 0.1,
        lrDecay: 0.998,
        seed: 4,
        evaluate: async (g) => ({ acc: await paramsAccuracy(() => linearModel(), g, test) }),
      });
      await server.run(3);
      return server;
    };
    await run(new FedAvg()); // warm-up: tfjs caches some tensors on first use
    const before = tf.memory().numTensors;
    const a = await run(new FedAvg());
    const b = await run(new FedAvg());
    const s = await run(new Scaffold());
    expect(tf.memory().numTensors).toBe(before);
    expect(a.global).toEqual(b.global);
    expect(a.history.map((r) => r.clients)).toEqual(b.history.map((r) => r.clients));
    expect(a.history[2].metrics.acc).toBeGreaterThan(0.8);
    expect(s.history[2].metrics.acc).toBeGreaterThan(0.8);
    // 4 clients x 10 float32 x (1 down + 1 up) x 3 rounds; SCAFFOLD doubles it.
    expect(a.bytesSent).toBe(4 * 10 * 4 * 2 * 3);
    expect(s.bytesSent).toBe(2 * a.bytesSent);
    const m = linearModel();
    setParams(m, a.global);
    expect(await accuracy(m, test)).toBe(a.history[2].metrics.acc);
    m.dispose();
  });
});
