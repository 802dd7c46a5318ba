import { describe, expect, it } from 'vitest';
import { createRegistry, defaultRegistry } from '../src/registry.js';
import { fakeExperiment } from './fake.js';

describe('registry', () => {
  it('registers core-mnist by default', () => {
    const r = defaultRegistry();
    expect(r.names()).toContain('core-mnist');
    expect(r.get('core-mnist')?.package).toBe('@proj/core');
  });

  it('rejects duplicate, malformed and reserved names', () => {
    expect(() => createRegistry([fakeExperiment('x'), fakeExperiment('x')])).toThrow(/two experiments are named "x"/);
    expect(() => createRegistry([fakeExperiment('Bad Name')])).toThrow(/lowercase letters, digits and dashes/);
    expect(() => createRegistry([fakeExperiment('all')])).toThrow(/reserved/);
  });
});
