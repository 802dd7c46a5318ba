import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';

const tfjsNodeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('initBackend', () => {
  const saved = process.env.PROJ_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.PROJ_BACKEND;
    else process.env.PROJ_BACKEND = saved;
  });

  it('rejects an unknown forced backend, naming the choices', async () => {
    process.env.PROJ_BACKEND = 'webgpu';
    await expect(initBackend()).rejects.toThrow('PROJ_BACKEND=webgpu is not a backend; use one of tensorflow, wasm, cpu');
    await expect(initBackend({ backend: 'gpu' as never })).rejects.toThrow(/initBackend backend=gpu is not a backend/);
  });

  it.skipIf(tfjsNodeInstalled)('a forced tensorflow backend that cannot load is an error, not a fallback', async () => {
    process.env.PROJ_BACKEND = 'tensorflow';
    await expect(initBackend()).rejects.toThrow(/backend 'tensorflow' was forced but cannot load/);
  });

  it('chooses automatically and says why', async () => {
    delete process.env.PROJ_BACKEND;
    const info = await initBackend();
    expect(tf.getBackend()).toBe(info.name);
    if (tfjsNodeInstalled) expect(info.name).toBe('tensorflow');
    else {
      expect(info.name).toBe('cpu');
      expect(info.reason).toMatch(/tfjs-node unavailable/);
      expect(info.kernels).toContain('Conv2DBackpropFilter');
    }
  });

  it('forced cpu with stock kernels registers none of ours', async () => {
    process.env.PROJ_BACKEND = 'cpu';
    const info = await initBackend({ fastKernels: false });
    expect(info).toMatchObject({ name: 'cpu', kernels: [] });
    expect(info.reason).toBe('forced by PROJ_BACKEND=cpu, stock kernels only');
    const fast = await initBackend();
    expect(fast.kernels.length).toBeGreaterThan(0);
  });

  it('reports the native provider and turns it off on request', async () => {
    const on = await initBackend({ backend: 'cpu' });
    expect(on.reason).toMatch(on.native.active ? /kernels \(native\)/ : /kernels \(JS; native: /);
    const off = await initBackend({ backend: 'cpu', native: false });
    expect(off.native.active).toBe(false);
    expect(off.reason).toMatch(/kernels \(JS; native: turned off/);
    expect(off.kernels).not.toContain('MaxPool');
    if (on.native.active) expect(on.kernels).toContain('MaxPool');
  });

  it('forced wasm loads and computes', async () => {
    const info = await initBackend({ backend: 'wasm' });
    expect(info.name).toBe('wasm');
    expect(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync())).toEqual([2, 3]);
    await initBackend({ backend: 'cpu' });
  });
});
