import { Rng, silentProgress } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { Memoized, type Symmetrized } from '@proj/vmc';
import { buildAnsatz, defaultSymmetry, runVmc, VMC_QUICK } from '../src/experiments/vmc.js';
import { problemFromOptions, vmcEd } from '../src/experiments/vmc_ed.js';

const ctx = (options: Record<string, string>) => ({ quick: true, seed: 0, reporter: silentProgress, log: () => {}, options });

describe('vmc experiments', () => {
  it('vmc-ed gives the exact 2x4 Heisenberg energy and the sector size', async () => {
    const r = await vmcEd.run(ctx({ model: 'j1j2', lattice: '2x4', j2: '0' }));
    expect(r.metrics.dim).toBe(70);
    expect(r.metrics.energy_per_site).toBeLessThan(-0.5);
  });

  it('vmc reports energy, error, variance, R-hat and rel_error against ED', async () => {
    const r = await runVmc(ctx({ model: 'tj', lattice: '2x4', holes: '2', iters: '3', samples: '64' }), VMC_QUICK);
    for (const k of ['energy_per_site', 'energy_error', 'variance', 'r_hat', 'rel_error', 'samples_per_second']) {
      expect(Number.isFinite(r.metrics[k])).toBe(true);
    }
    expect(r.metrics.iterations).toBe(3);
  });

  it('vmc on spins sums the memoized CNN over the full symmetry group by default, over translations on request', async () => {
    const problem = problemFromOptions({ model: 'j1j2', lattice: '4x4', j2: '0.5' });
    expect(defaultSymmetry(problem)).toBe('full');
    const full = buildAnsatz('cnn', problem, new Rng(1));
    expect(full).toBeInstanceOf(Memoized);
    expect(((full as Memoized).inner as Symmetrized).ops.length).toBe(64);
    expect(((buildAnsatz('cnn', problem, new Rng(1), 'translations') as Memoized).inner as Symmetrized).ops.length).toBe(4);
    const r = await runVmc(ctx({ model: 'j1j2', lattice: '2x4', j2: '0.5', iters: '3', samples: '64' }), VMC_QUICK);
    expect(Number.isFinite(r.metrics.rel_error)).toBe(true);
    expect(r.notes?.join(' ')).toMatch(/32 symmetry operations/);
  });

  it('vmc measures rel_error_reference against the published energy, which on 4x4 agrees with ED', async () => {
    const r = await runVmc(ctx({ model: 'j1j2', lattice: '4x4', j2: '0.5', iters: '1', samples: '16', symmetry: 'translations' }), VMC_QUICK);
    expect(r.metrics.reference_energy_per_site).toBe(-0.52862);
    expect(r.metrics.rel_error_reference).toBeCloseTo(Math.abs(r.metrics.energy_per_site + 0.52862) / 0.52862, 12);
    expect(Math.abs(r.metrics.rel_error_reference - r.metrics.rel_error)).toBeLessThan(1e-5);
    expect(r.notes?.join(' ')).toMatch(/Schulz, Ziman & Poilblanc/);
  });

  it('rejects a malformed lattice and too many holes as usage errors', () => {
    expect(() => problemFromOptions({ lattice: '4by4' })).toThrow(/--lattice: expected "L1xL2"/);
    expect(() => problemFromOptions({ model: 'tj', lattice: '2x2', holes: '5' })).toThrow(/--holes must be at most/);
  });
});
