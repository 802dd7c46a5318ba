import { decodeSafetensors, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import {
  Adam, CNN, exactGroundEnergy, ExchangeRule, J1J2Heisenberg, MarshallSign, MetropolisSampler, Sgd, squareLattice, VmcDriver,
} from '../src/index.js';

function makeDriver(seed: number, optimizer: 'sgd' | 'adam' = 'adam') {
  const L = squareLattice(2, 4);
  const op = new J1J2Heisenberg(L, { j2: 0 });
  const model = new MarshallSign(new CNN(op.hilbert, L, { blocks: [{ kernel: 3, channels: 8 }] }, seed), L);
  const sampler = new MetropolisSampler(op.hilbert, model, new ExchangeRule(L.bonds1), { chains: 4, burnIn: 10 }, seed + 1);
  const opt = optimizer === 'adam' ? new Adam(0.01, model.numParams) : new Sgd(0.05);
  return { op, model, driver: new VmcDriver(model, op, sampler, opt, { samples: 128 }) };
}

describe('VMC driver', () => {
  it('resumes from a checkpoint bit for bit (parameters, Adam moments, chains, rng)', () => {
    const straight = makeDriver(3);
    straight.driver.run(6);
    const first = makeDriver(3);
    first.driver.run(3);
    const bytes = first.driver.checkpoint();
    // A fresh driver with a different init and seed, overwritten by the checkpoint.
    const resumed = makeDriver(99);
    resumed.driver.restore(bytes);
    expect(resumed.driver.iteration).toBe(3);
    resumed.driver.run(3);
    expect(resumed.model.params).toEqual(straight.model.params);
    expect(resumed.driver.history.map((h) => h.energy)).toEqual(straight.driver.history.map((h) => h.energy));
  });

  it('stores named parameter blocks and rejects a checkpoint of another optimizer or model shape', () => {
    const a = makeDriver(1, 'adam');
    a.driver.run(1);
    const names = Object.keys(decodeSafetensors(a.driver.checkpoint()).tensors);
    expect(names).toContain('params.block0.conv.kernel');
    expect(() => makeDriver(1, 'sgd').driver.restore(a.driver.checkpoint())).toThrow(/optimizer is adam/);
    const L = squareLattice(2, 4);
    const op = new J1J2Heisenberg(L);
    const wide = new CNN(op.hilbert, L, { blocks: [{ kernel: 3, channels: 9 }] });
    const other = new VmcDriver(wide, op, new MetropolisSampler(op.hilbert, wide, new ExchangeRule(L.bonds1), { chains: 4 }), new Adam(0.01, wide.numParams));
    expect(() => other.restore(a.driver.checkpoint())).toThrow(/params.block0.conv.kernel has shape \[3,3,1,8\], the model \[3,3,1,9\]/);
  });

  it('creates no tfjs tensors over iterations (the hot path is plain typed arrays)', () => {
    const { driver } = makeDriver(5);
    driver.step();
    const before = tf.memory().numTensors;
    driver.run(3);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SR + SGD reaches the exact energy of the 2x4 Heisenberg torus within 0.1% in seconds', () => {
    const { op, driver } = makeDriver(7, 'sgd');
    const exact = exactGroundEnergy(op).energy;
    driver.run(60);
    const ev = driver.evaluate(1024);
    expect(Math.abs(ev.energy - exact) / Math.abs(exact)).toBeLessThan(0.001);
    expect(driver.history[0].energy - exact).toBeGreaterThan(0.05 * Math.abs(exact)); // it started far off
  }, 60_000);
});
