import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, subset, tf } from '@proj/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkUpdate,
  Client,
  decodeMessage,
  encodeMessage,
  FedAvg,
  FederationServer,
  FedProx,
  getParams,
  iidPartition,
  joinFederation,
  loadCheckpoint,
  Scaffold,
  Server,
  type FederatedClient,
  type FederationSession,
  type FitInstructions,
  type Strategy,
} from '../src/index.js';
import { blobs } from './nets.js';

/** A tiny seeded MLP 4-8-2 (66 parameters). */
const mlp = (): tf.LayersModel => {
  const rng = new Rng(5);
  const dense = (units: number, activation: 'relu' | 'linear', inputShape?: number[]) =>
    tf.layers.dense({ units, activation, inputShape, kernelInitializer: tf.initializers.glorotUniform({ seed: rng.tfSeed() }) });
  return tf.sequential({ layers: [dense(8, 'relu', [4]), dense(2, 'linear')] });
};
const K = 4;
const data = blobs(80, 1);
const clientsOf = () => iidPartition(data.size, K, 2).map((idx, k) => new Client(k, subset(data, idx), mlp, { epochs: 1, batchSize: 5, weightDecay: 1e-3, clipNorm: 10 }));
const initial = (() => {
  const m = mlp();
  const p = getParams(m);
  m.dispose();
  return p;
})();
const serverCfg = { fraction: 0.75, lr: 0.1, lrDecay: 0.998, seed: 3 };
const dir = mkdtempSync(join(tmpdir(), 'fl-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function simulate(strategy: Strategy, rounds: number): Promise<Float32Array> {
  const s = new Server(clientsOf(), strategy, initial, serverCfg);
  await s.run(rounds);
  return s.global;
}

/** A server on an ephemeral loopback port and one networked session per client. */
async function deploy(strategy: Strategy, clients: FederatedClient[], rounds: number, extra: { checkpoint?: string; fraction?: number } = {}) {
  const logs: string[] = [];
  const fs = await FederationServer.listen('127.0.0.1:0', strategy, initial, {
    ...serverCfg,
    fraction: extra.fraction ?? serverCfg.fraction,
    numClients: K,
    timeoutMs: 60_000,
    checkpoint: extra.checkpoint,
    log: (m) => logs.push(m),
  });
  const sessions = clients.map((c) => joinFederation(`127.0.0.1:${fs.port}`, c));
  const settled = Promise.allSettled(sessions.map((s) => s.done));
  const history = await fs.run(rounds);
  const outcomes = await settled;
  await fs.close();
  return { fs, history, logs, outcomes };
}

describe('deployment over gRPC', () => {
  it('protocol round trip: header and F32/I32 tensors come back bit-exact (NaN and -0 included)', () => {
    const params = Float32Array.from([1.5, -0, NaN, Infinity, 3e-39]);
    const counts = Int32Array.from([7, 0, -2]);
    const back = decodeMessage(encodeMessage({ header: { kind: 'fit', round: 3, lr: 0.1 * 0.998 }, tensors: { params, counts } }));
    expect(back.header).toEqual({ kind: 'fit', round: 3, lr: 0.1 * 0.998 });
    expect(back.tensors.params).toBeInstanceOf(Float32Array);
    expect(new Uint32Array(back.tensors.params.buffer, back.tensors.params.byteOffset, 5)).toEqual(new Uint32Array(params.buffer));
    expect(back.tensors.counts).toEqual(counts);
    expect(() => decodeMessage(Buffer.from([1, 2, 3]))).toThrow(/too short/);
  });

  it('checkUpdate rejects wrong length, non-finite values and a wrong client id', () => {
    const ok = { clientId: 1, params: new Float32Array(3), numExamples: 5, labelCounts: new Int32Array(2), steps: 1, lr: 0.1 };
    expect(() => checkUpdate(ok, 3, 1)).not.toThrow();
    expect(() => checkUpdate(ok, 4, 1)).toThrow(/client 1 rejected: params has 3 entries, the model has 4/);
    expect(() => checkUpdate({ ...ok, params: Float32Array.from([0, Infinity, 0]) }, 3, 1)).toThrow(/params\[1\] is Infinity/);
    expect(() => checkUpdate(ok, 3, 2)).toThrow(/claims to be client 1/);
  });

  it('FedProx and SCAFFOLD over loopback give bit-identical global weights to the simulation, without leaking tensors', async () => {
    for (const make of [() => new FedProx({ mu: 0.01 }), () => new Scaffold()]) {
      const expected = await simulate(make(), 3);
      const before = tf.memory().numTensors;
      const { history, outcomes, fs } = await deploy(make(), clientsOf(), 3);
      expect(tf.memory().numTensors).toBe(before);
      expect(history.map((r) => r.failed)).toEqual([[], [], []]);
      expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
      expect(fs.server.global).toEqual(expected);
    }
  }, 60_000);

  it('a client that disconnects mid-run is left out and the others finish', async () => {
    const clients: FederatedClient[] = clientsOf();
    const quitter = clients[3];
    const sessions: FederationSession[] = [];
    clients[3] = {
      info: quitter.info,
      fit: (ins: FitInstructions) => {
        if (ins.round === 1) {
          sessions[3].close();
          return new Promise(() => {}); // the process is gone
        }
        return quitter.fit(ins);
      },
    };
    const logs: string[] = [];
    const fs = await FederationServer.listen('127.0.0.1:0', new FedAvg(), initial, { ...serverCfg, fraction: 1, numClients: K, timeoutMs: 60_000, log: (m) => logs.push(m) });
    sessions.push(...clients.map((c) => joinFederation(`127.0.0.1:${fs.port}`, c)));
    const settled = Promise.allSettled(sessions.map((s) => s.done));
    const history = await fs.run(3);
    await fs.close();
    expect(history.map((r) => r.failed)).toEqual([[], [3], [3]]);
    expect(logs.join('\n')).toMatch(/round 2: client 3 left out: client 3 closed its stream|round 2: client 3 left out: client 3 disconnected/);
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(outcomes.slice(0, 3).map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual([3, 3, 3]);
    expect(fs.server.global.every(Number.isFinite)).toBe(true);
  }, 60_000);

  it('a NaN update is rejected and logged; the round equals a simulation without that client', async () => {
    const poison = (c: FederatedClient): FederatedClient => ({
      info: c.info,
      fit: async (ins) => ({ ...(await c.fit(ins)), params: new Float32Array(initial.length).fill(NaN) }),
    });
    const clients: FederatedClient[] = clientsOf();
    clients[2] = poison(clients[2]);
    const { history, logs, fs } = await deploy(new FedAvg(), clients, 2, { fraction: 1 });
    expect(history.map((r) => r.failed)).toEqual([[2], [2]]);
    expect(logs.join('\n')).toMatch(/round 1: client 2 left out: update of client 2 rejected: params\[0\] is NaN/);
    // The simulation's server, told to skip failed clients, gets the same update from the same code.
    const sim: FederatedClient[] = clientsOf();
    sim[2] = poison(sim[2]);
    const s = new Server(sim, new FedAvg(), initial, { ...serverCfg, fraction: 1, onClientFailure: () => {} });
    await s.run(2);
    expect(fs.server.global.every(Number.isFinite)).toBe(true);
    expect(fs.server.global).toEqual(s.global);
  }, 60_000);

  it('a client that hangs is left out after the timeout', async () => {
    const clients: FederatedClient[] = clientsOf();
    const slow = clients[1];
    clients[1] = { info: slow.info, fit: (ins) => (ins.round === 0 ? new Promise(() => {}) : slow.fit(ins)) };
    const logs: string[] = [];
    const fs = await FederationServer.listen('127.0.0.1:0', new FedAvg(), initial, { ...serverCfg, fraction: 1, numClients: K, timeoutMs: 300, log: (m) => logs.push(m) });
    const sessions = clients.map((c) => joinFederation(`127.0.0.1:${fs.port}`, c));
    const settled = Promise.allSettled(sessions.map((s) => s.done));
    const history = await fs.run(1);
    await fs.close();
    await settled;
    expect(history[0].failed).toEqual([1]);
    expect(logs.join('\n')).toMatch(/round 1: client 1 left out: client 1 timed out after 300 ms in round 1/);
  }, 60_000);

  it('resumes from the checkpoint after a crash and ends where an uninterrupted run ends', async () => {
    const path = join(dir, 'server.safetensors');
    const expected = await simulate(new FedAvg(), 4);
    const first = await deploy(new FedAvg(), clientsOf(), 2, { checkpoint: path });
    first.fs.kill();
    expect(loadCheckpoint(path)!.round).toBe(2);
    const second = await deploy(new FedAvg(), clientsOf(), 4, { checkpoint: path });
    expect(second.logs[0]).toMatch(/resumed from .* after round 2/);
    expect(second.history.map((r) => r.round)).toEqual([0, 1, 2, 3]);
    expect(second.fs.server.global).toEqual(expected);
    expect(loadCheckpoint(path)!.global).toEqual(expected);
  }, 60_000);
});
