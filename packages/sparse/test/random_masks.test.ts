import { maskStats } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { keptCount, layerDensities, randomMasks } from '../src/index.js';
import { SMALL_CONV_NET } from './nets.js';

const NET = SMALL_CONV_NET;

describe('randomMasks', () => {
  it('keeps exactly round(density * size) weights per layer', () => {
    const densities = layerDensities(NET, { scheme: 'erk', density: 0.1 });
    const masks = randomMasks(NET, densities, 7);
    const stats = maskStats(masks);
    for (const l of NET) {
      const size = l.shape.reduce((a, b) => a * b, 1);
      expect(stats.perLayer[l.name] * size).toBe(keptCount(size, densities[l.name]));
      expect(masks[l.name].shape).toEqual(l.shape);
    }
    // Above one half the complement is drawn; counts stay exact.
    const dense = randomMasks(NET, { conv1: 0.9, conv2: 0.75, fc: 1 }, 1);
    expect(maskStats(dense).perLayer).toEqual({ conv1: 32 / 36, conv2: 216 / 288, fc: 1 });
  });

  it('same seed same masks, another seed other masks, and uniform over positions', () => {
    const d = { conv1: 0.5, conv2: 0.5, fc: 0.5 };
    expect(randomMasks(NET, d, 3)).toEqual(randomMasks(NET, d, 3));
    expect(randomMasks(NET, d, 3).conv2.data).not.toEqual(randomMasks(NET, d, 4).conv2.data);
    // Every position of fc is kept in about half of 400 draws (binomial sd 10).
    const hits = new Float64Array(80);
    for (let s = 0; s < 400; s++) randomMasks([NET[2]], { fc: 0.5 }, s).fc.data.forEach((v, i) => (hits[i] += v));
    for (const h of hits) expect(Math.abs(h - 200)).toBeLessThan(50);
  });

  it('rejects missing or out-of-range densities', () => {
    expect(() => randomMasks(NET, { conv1: 0.5, conv2: 0.5 }, 0)).toThrow(/densities\['fc'\] must be a number in \[0, 1\], got undefined/);
    expect(() => randomMasks(NET, { conv1: 0.5, conv2: 1.2, fc: 0.1 }, 0)).toThrow(/densities\['conv2'\]/);
  });
});
