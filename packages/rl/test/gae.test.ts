import { describe, expect, it } from 'vitest';
import { gae } from '../src/index.js';

describe('gae', () => {
  const base = {
    rewards: [1, 2, 3],
    values: [0.5, 0.4, 0.3],
    terminated: [0, 0, 0],
    truncated: [0, 0, 0],
    finalValues: [0, 0, 0],
    lastValues: [0.2],
    numEnvs: 1,
    gamma: 0.9,
    lambda: 0.8,
  };

  it('matches the hand-computed backward recursion on one env', () => {
    // delta = [1 + 0.9*0.4 - 0.5, 2 + 0.9*0.3 - 0.4, 3 + 0.9*0.2 - 0.3] = [0.86, 1.87, 2.88]
    // A_2 = 2.88; A_1 = 1.87 + 0.72 * 2.88 = 3.9436; A_0 = 0.86 + 0.72 * 3.9436 = 3.699392
    const { advantages, returns } = gae(base);
    [3.699392, 3.9436, 2.88].forEach((a, i) => expect(advantages[i]).toBeCloseTo(a, 5));
    [4.199392, 4.3436, 3.18].forEach((g, i) => expect(returns[i]).toBeCloseTo(g, 5));
  });

  it('lambda = 0 gives one-step TD errors and lambda = 1, gamma = 1 the Monte-Carlo return minus V', () => {
    const td = gae({ ...base, lambda: 0 });
    [0.86, 1.87, 2.88].forEach((d, i) => expect(td.advantages[i]).toBeCloseTo(d, 5));
    const mc = gae({ ...base, lambda: 1, gamma: 1 });
    [6.2 - 0.5, 5.2 - 0.4, 3.2 - 0.3].forEach((a, i) => expect(mc.advantages[i]).toBeCloseTo(a, 5));
  });

  it('stops at terminal states and bootstraps truncated ones from V(final observation)', () => {
    const term = gae({ ...base, terminated: [0, 1, 0] });
    // A_1 = 2 - 0.4 (no bootstrap, no carry); A_0 = 0.86 + 0.72 * 1.6.
    expect(term.advantages[1]).toBeCloseTo(1.6, 5);
    expect(term.advantages[0]).toBeCloseTo(0.86 + 0.72 * 1.6, 5);
    const trunc = gae({ ...base, truncated: [0, 1, 0], finalValues: [0, 10, 0] });
    // A_1 = 2 + 0.9 * 10 - 0.4, not carried over from step 2.
    expect(trunc.advantages[1]).toBeCloseTo(10.6, 5);
    expect(trunc.advantages[0]).toBeCloseTo(0.86 + 0.72 * 10.6, 5);
  });

  it('keeps envs apart in the [T, N] layout', () => {
    const two = gae({ ...base, rewards: [1, 0, 2, 0, 3, 0], values: [0.5, 0, 0.4, 0, 0.3, 0], terminated: [0, 0, 0, 0, 0, 0], truncated: [0, 0, 0, 0, 0, 0], finalValues: [0, 0, 0, 0, 0, 0], lastValues: [0.2, 0], numEnvs: 2 });
    expect(two.advantages[0]).toBeCloseTo(3.699392, 5);
    expect(two.advantages[1]).toBe(0);
  });

  it('names the bad argument', () => {
    expect(() => gae({ ...base, values: [1, 2] })).toThrow(/values must have 3 entries/);
    expect(() => gae({ ...base, lastValues: [1, 2] })).toThrow(/lastValues must have numEnvs = 1/);
    expect(() => gae({ ...base, lambda: 1.5 })).toThrow(/lambda must be in \[0, 1\]/);
  });
});
