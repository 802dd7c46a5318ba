import { initBackend, silentProgress, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { binnedReturns, rl, runRl } from '../src/experiments/rl.js';
import { resolveOptions } from '../src/options.js';

beforeAll(async () => {
  await initBackend();
});

const ctx = (options: Record<string, string>) => ({ quick: true, seed: 3, reporter: silentProgress, log: () => {}, options });

describe('rl experiment', () => {
  it('bins training episodes by step and carries the last value over empty bins', () => {
    const run = { episodes: [{ steps: 10, ret: 1 }, { steps: 20, ret: 3 }, { steps: 95, ret: 10 }] };
    expect(binnedReturns(run, 100, 4)).toEqual([
      { x: 25, y: 2 },
      { x: 50, y: 2 },
      { x: 75, y: 2 },
      { x: 100, y: 10 },
    ]);
  });

  it('declares string flags with the algorithm and environment choices', () => {
    expect(resolveOptions(rl, {})).toEqual({ algo: 'pdac', env: 'pendulum', seeds: '1' });
    expect(() => resolveOptions(rl, { algo: 'dqn' })).toThrow(/--algo must be one of pdac, a2c, ppo/);
    expect(() => resolveOptions(rl, { env: 'hopper' })).toThrow(/--env must be one of pendulum, mountaincar, cartpole, reacher/);
  });

  it('runs every algorithm for two seeds in a tiny budget with finite metrics and no tensor leak', async () => {
    const before = tf.memory().numTensors;
    for (const algo of ['pdac', 'a2c', 'ppo'] as const) {
      const r = await runRl(ctx({}), { algo, env: 'cartpole', steps: 1024, seeds: 2, evaluations: 2 });
      for (const [k, v] of Object.entries(r.metrics)) expect(Number.isFinite(v), k).toBe(true);
      expect(r.metrics.seeds).toBe(2);
      expect(r.metrics.final_return).toBeCloseTo((r.metrics.final_return_seed0 + r.metrics.final_return_seed1) / 2, 6);
      expect(new Set(r.curves?.learning_curve.map((p) => p.series))).toEqual(new Set(['seed 0', 'seed 1']));
      expect(r.curves?.evaluation_band.length).toBe(6);
      expect(r.curves?.actor_grad_norm.length).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('rejects a bad --steps or --seeds as a usage error', async () => {
    await expect(rl.run(ctx({ algo: 'pdac', env: 'cartpole', steps: 'many', seeds: '1' }))).rejects.toThrow(/--steps must be a number/);
    await expect(rl.run(ctx({ algo: 'pdac', env: 'cartpole', steps: '100', seeds: '0' }))).rejects.toThrow(/--seeds must be an integer >= 1/);
  });
});
