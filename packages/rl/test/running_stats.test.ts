import { Rng } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { ObservationNormalizer, RewardScaler, RunningMeanStd } from '../src/index.js';

describe('RunningMeanStd', () => {
  it('equals the mean and population variance of everything seen, batch by batch', () => {
    const rng = new Rng(0);
    const all: number[][] = [];
    const rms = new RunningMeanStd(2);
    for (let b = 0; b < 5; b++) {
      const rows = Array.from({ length: 7 + b }, () => [rng.normal(3, 2), rng.uniformRange(-1, 1)]);
      all.push(...rows);
      rms.update(rows.flat());
    }
    for (let j = 0; j < 2; j++) {
      const xs = all.map((r) => r[j]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
      // The 1e-4 pseudo-count at (mean 0, var 1) shifts the result by ~1e-5.
      expect(rms.mean[j]).toBeCloseTo(mean, 4);
      expect(rms.var[j]).toBeCloseTo(variance, 4);
    }
    expect(() => rms.update([1, 2, 3])).toThrow(/positive multiple of 2/);
  });

  it('normalizes observations and clips them, and freezes', () => {
    const norm = new ObservationNormalizer(1, 2);
    norm.normalize(Float64Array.of(0, 10, 20));
    expect(norm.apply([10])[0]).toBeCloseTo(0, 3);
    expect(norm.apply([1000])[0]).toBe(2);
    norm.frozen = true;
    const before = norm.stats.mean[0];
    norm.normalize(Float64Array.of(1e6));
    expect(norm.stats.mean[0]).toBe(before);
  });

  it('scales rewards by the std of the discounted return and restarts it at episode ends', () => {
    const s = new RewardScaler(1, 0.5);
    const out: number[] = [];
    for (let t = 0; t < 50; t++) out.push(s.scale(Float64Array.of(1), [t % 10 === 9 ? 1 : 0])[0]);
    // Returns cycle through 1, 1.5, 1.75, ... so the std is about 0.25 and scaled rewards about 4.
    expect(out[49]).toBeGreaterThan(2.5);
    expect(out[49]).toBeLessThan(6);
  });
});
