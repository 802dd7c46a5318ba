import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { ActorCritic, CartPole, evaluatePolicy, RL_PRESETS, trainAgent } from '../src/index.js';

const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;

describe('learning effect', () => {
  it('PDAC lifts CartPole far above its untrained policy within 16k steps (seeded)', async () => {
    const p = RL_PRESETS.cartpole;
    const untrained = new ActorCritic(4, new CartPole().actionSpace, new Rng(0));
    const before = mean(evaluatePolicy(untrained, () => new CartPole(), 9, { episodes: 10, input: (raw) => Float32Array.from(raw) }));
    untrained.dispose();
    const run = await trainAgent({
      makeEnv: () => new CartPole(),
      algorithm: { name: 'pdac', config: p.pdac },
      totalSteps: 16_384,
      numEnvs: p.numEnvs,
      gamma: p.gamma,
      lambda: p.lambda,
      normalizeObservations: p.normalizeObservations,
      normalizeRewards: p.normalizeRewards,
      seed: 0,
    });
    const after = mean(run.finalReturns);
    run.agent.dispose();
    // The untrained arg-max policy balances for ~70 steps; a random one for ~22.
    expect(before).toBeLessThan(100);
    expect(after).toBeGreaterThan(Math.max(150, 2 * before));
    // The gradient-norm log covers every update.
    expect(run.updates.length).toBe(64);
    expect(run.updates.every((u) => Number.isFinite(u.actorGradNorm) && Number.isFinite(u.criticGradNorm))).toBe(true);
  }, 120_000);
});
