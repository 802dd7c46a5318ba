import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@proj/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ActorCritic, loadAgent, ObservationNormalizer, Pendulum, saveAgent } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rl-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoints', () => {
  it('restore the policy, the value function and the observation statistics', () => {
    const space = new Pendulum().actionSpace;
    const a = new ActorCritic(3, space, new Rng(0), { hidden: [8], logStdInit: -0.3 });
    const norm = new ObservationNormalizer(3);
    norm.normalize(Float64Array.of(1, 2, 3, 4, 5, 6));
    const path = join(dir, 'agent.safetensors');
    saveAgent(path, a, norm);

    const b = new ActorCritic(3, space, new Rng(1), { hidden: [8], logStdInit: 0 });
    const norm2 = new ObservationNormalizer(3);
    loadAgent(path, b, norm2);
    const x = Float64Array.of(0.5, -0.5, 2);
    const outA = a.act(norm.apply(x));
    const outB = b.act(norm2.apply(x));
    // Statistics are stored as float32, so inputs agree to float32 precision.
    outA.head.forEach((v, i) => expect(outB.head[i]).toBeCloseTo(v, 5));
    outA.values.forEach((v, i) => expect(outB.values[i]).toBeCloseTo(v, 5));
    expect(Array.from(b.logStdValues())).toEqual(Array.from(a.logStdValues()));
    expect(norm2.frozen).toBe(true);

    const wrong = new ActorCritic(3, space, new Rng(1), { hidden: [4], logStdInit: 0 });
    expect(() => loadAgent(path, wrong, null)).toThrow(/'actor\/w0' in .* has shape \[3,8\], the agent needs \[3,4\]/);
    [a, b, wrong].forEach((m) => m.dispose());
  });
});
