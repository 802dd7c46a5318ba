import { describe, expect, it } from 'vitest';
import { globalDensity, layerDensities, papers, type PrunableLayer } from '../src/index.js';
import { SMALL_CONV_NET } from './nets.js';

const NET = SMALL_CONV_NET;

describe('layerDensities', () => {
  it('cites the paper', () => {
    expect(papers.map((p) => p.arxiv)).toEqual(['2202.02643']);
  });

  it('ERK at 0.1: eps = 0.1 * 404 / (11 + 18 + 18), density = eps * sum(shape) / prod(shape)', () => {
    const d = layerDensities(NET, { scheme: 'erk', density: 0.1 });
    const eps = 40.4 / 47;
    expect(d.conv1).toBeCloseTo((eps * 11) / 36, 12);
    expect(d.conv2).toBeCloseTo((eps * 18) / 288, 12);
    expect(d.fc).toBeCloseTo((eps * 18) / 80, 12);
    expect(globalDensity(NET, d)).toBeCloseTo(0.1, 12);
  });

  it('ERK at 0.5 makes conv1 dense, then fc, and re-solves conv2 to 86/288', () => {
    // First solve: eps = 202/47 gives conv1 1.31 > 1. Second: eps = 166/36 gives fc 1.04 > 1.
    // Third: conv2 = 0.5 * 404 - 36 - 80 = 86 kept weights.
    const d = layerDensities(NET, { scheme: 'erk', density: 0.5 });
    expect(d).toEqual({ conv1: 1, conv2: expect.closeTo(86 / 288, 12), fc: 1 });
    expect(globalDensity(NET, d)).toBeCloseTo(0.5, 12);
  });

  it('ER scores the last two dims: (n_in + n_out) / (n_in n_out)', () => {
    const d = layerDensities(NET, { scheme: 'er', density: 0.1 });
    const eps = 40.4 / (1.25 * 36 + 0.375 * 288 + 0.225 * 80);
    expect(d.conv1).toBeCloseTo(eps * 1.25, 12);
    expect(d.conv2).toBeCloseTo(eps * 0.375, 12);
    expect(d.fc).toBeCloseTo(eps * 0.225, 12);
  });

  it('a layer forced dense: the others are re-solved and the global density is kept', () => {
    const d = layerDensities(NET, { scheme: 'erk', density: 0.3, denseLayers: ['fc'] });
    // eps = (0.3 * 324 - 0.7 * 80) / (11 + 18) = 41.2 / 29.
    const eps = 41.2 / 29;
    expect(d.fc).toBe(1);
    expect(d.conv1).toBeCloseTo((eps * 11) / 36, 12);
    expect(d.conv2).toBeCloseTo((eps * 18) / 288, 12);
    expect(globalDensity(NET, d)).toBeCloseTo(0.3, 12);
    // ERK+ keeps the classifier dense: the same solve.
    expect(layerDensities(NET, { scheme: 'erk+', density: 0.3 })).toEqual(d);
  });

  it('erkPowerScale 0 gives every layer the same score, i.e. uniform', () => {
    const d = layerDensities(NET, { scheme: 'erk', density: 0.2, erkPowerScale: 0 });
    for (const v of Object.values(d)) expect(v).toBeCloseTo(0.2, 12);
  });

  it('uniform and uniform+', () => {
    expect(layerDensities(NET, { scheme: 'uniform', density: 0.05 })).toEqual({ conv1: 0.05, conv2: 0.05, fc: 0.05 });
    expect(layerDensities(NET, { scheme: 'uniform+', density: 0.05 })).toEqual({ conv1: 1, conv2: 0.05, fc: 0.2 });
    expect(layerDensities(NET, { scheme: 'uniform+', density: 0.5 })).toEqual({ conv1: 1, conv2: 0.5, fc: 0.5 });
    expect(layerDensities(NET, { scheme: 'erk', density: 1 })).toEqual({ conv1: 1, conv2: 1, fc: 1 });
  });

  it('ERK keeps the global density on a realistic net at every density', () => {
    const mlp: PrunableLayer[] = [
      { name: 'a', shape: [784, 300] },
      { name: 'b', shape: [300, 100] },
      { name: 'c', shape: [100, 10] },
    ];
    for (const density of [0.9, 0.5, 0.2, 0.05, 0.01]) {
      for (const scheme of ['er', 'erk', 'erk+'] as const) {
        const d = layerDensities(mlp, { scheme, density });
        expect(globalDensity(mlp, d)).toBeCloseTo(density, 10);
        for (const v of Object.values(d)) expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  it('rejects bad input with the argument named', () => {
    expect(() => layerDensities(NET, { scheme: 'erk', density: 0 })).toThrow(/density must be a number in \(0, 1\], got 0/);
    expect(() => layerDensities(NET, { scheme: 'erk', density: 1.5 })).toThrow(/density must be a number in \(0, 1\]/);
    expect(() => layerDensities(NET, { scheme: 'magic' as never, density: 0.5 })).toThrow(/unknown scheme "magic"/);
    expect(() => layerDensities(NET, { scheme: 'erk', density: 0.5, denseLayers: ['fc9'] })).toThrow(/denseLayers names 'fc9'/);
    expect(() => layerDensities(NET, { scheme: 'erk', density: 0.1, denseLayers: ['fc'] })).toThrow(/cannot be reached/);
    expect(() => layerDensities([], { scheme: 'erk', density: 0.5 })).toThrow(/non-empty array/);
    expect(() => layerDensities([{ name: 'x', shape: [3] }], { scheme: 'erk', density: 0.5 })).toThrow(/layer 'x' has shape \[3\]/);
    expect(() => layerDensities([NET[0], NET[0]], { scheme: 'erk', density: 0.5 })).toThrow(/appears twice/);
  });
});
