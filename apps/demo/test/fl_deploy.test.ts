import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_DEFAULT_DIR, silentProgress } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { FL_QUICK, runFl } from '../src/experiments/fl.js';
import { flClient, flServer, runFlClient, runFlServer } from '../src/experiments/fl_deploy.js';

const dir = process.env.FASHION_MNIST_DIR ?? FASHION_MNIST_DEFAULT_DIR;
const present = existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')) || existsSync(join(dir, 't10k-labels-idx1-ubyte'));
const ctx = { quick: true, seed: 4, reporter: silentProgress, log: () => {}, options: {} };
const tiny = { ...FL_QUICK, alpha: 0.5, clients: 2, rounds: 2, localEpochs: 1, trainLimit: 300, testLimit: 100, net: { kind: 'mlp' as const, hidden: 8 } };

describe('fl-server / fl-client', () => {
  it('declare the issue\'s flags', () => {
    expect(Object.keys(flServer.options ?? {})).toEqual(expect.arrayContaining(['port', 'clients', 'rounds', 'algo']));
    expect(Object.keys(flClient.options ?? {})).toEqual(expect.arrayContaining(['server', 'id', 'clients']));
  });

  it.skipIf(!present)(`a loopback deployment of 2 clients reproduces fl's accuracy exactly (skipped without ${dir})`, async () => {
    let clients: Promise<unknown>[] = [];
    const server = await runFlServer(ctx, {
      ...tiny,
      algo: 'fedprox',
      frac: 1,
      address: '127.0.0.1:0',
      minClients: 2,
      timeoutMs: 60_000,
      onListen: (port) => {
        clients = [0, 1].map((id) => runFlClient(ctx, { ...tiny, server: `127.0.0.1:${port}`, id }));
      },
    });
    const done = (await Promise.all(clients)) as { metrics: Record<string, number> }[];
    expect(done.map((c) => c.metrics.rounds_trained)).toEqual([2, 2]);
    expect(server.metrics.rounds).toBe(2);
    expect(server.metrics.failed_updates).toBe(0);
    const sim = await runFl(ctx, { ...tiny, algo: 'fedprox', ftg: false, frac: 1, generator: { kind: 'mlp', hidden: 8 } });
    expect(server.metrics.final_acc).toBe(sim.metrics.final_acc);
    expect(server.metrics.bytes_sent).toBe(sim.metrics.bytes_sent);
  }, 120_000);
});
