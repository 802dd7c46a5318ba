import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, modelVariables, Rng, saveWeights, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { exportSparse, importSparse, loadSparse, pruneAtInit, saveSparse } from '../src/index.js';

const bits = (t: tf.Tensor) => Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));

describe('exportSparse / importSparse', () => {
  it('round-trips bit for bit: sparse and dense floats, -0, int32, both index encodings', () => {
    const rng = new Rng(0);
    const at30 = Float32Array.from({ length: 3000 }, () => (rng.uniform() < 0.3 ? rng.normal() : 0));
    const at01 = Float32Array.from({ length: 5000 }, (_, i) => (i % 173 === 0 ? rng.normal() : 0));
    at30[5] = -0;
    const weights = {
      a: tf.tensor(at30, [30, 100]),
      b: tf.tensor(at01, [50, 100]),
      bias: tf.tensor1d([0.5, -0, 0, 2]),
      steps: tf.tensor1d([3, 4], 'int32'),
    };
    const bytes = exportSparse(weights);
    const back = importSparse(bytes);
    expect(Object.keys(back).sort()).toEqual(['a', 'b', 'bias', 'steps']);
    for (const name of ['a', 'b', 'bias'] as const) {
      expect(back[name].shape).toEqual(weights[name].shape);
      expect(bits(back[name])).toEqual(bits(weights[name]));
    }
    expect(back.steps.dtype).toBe('int32');
    expect(Array.from(back.steps.dataSync())).toEqual([3, 4]);
    // Below 1/8 density one gap byte per weight beats the bitmap's bit per entry; at 30% the bitmap wins.
    expect(Object.keys(decodeSafetensors(bytes).tensors).sort()).toEqual(['a.bitmap', 'a.values', 'b.gaps', 'b.values', 'bias.bitmap', 'bias.values', 'steps']);
    tf.dispose([...Object.values(weights), ...Object.values(back)]);
  });

  it('a model at density 0.1 takes under 25% of its dense safetensors file, and loads back exactly', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 300, activation: 'relu' }),
        tf.layers.dense({ units: 100, activation: 'relu' }),
        tf.layers.dense({ units: 10 }),
      ],
    });
    const { masked } = pruneAtInit(model, { scheme: 'erk', density: 0.1, seed: 0 });
    const weights = modelVariables(model, { trainableOnly: false });
    const dir = mkdtempSync(join(tmpdir(), 'sparse-format-'));
    saveWeights(join(dir, 'dense.safetensors'), weights);
    saveSparse(join(dir, 'sparse.safetensors'), weights, { masks: masked.masks });
    const ratio = statSync(join(dir, 'sparse.safetensors')).size / statSync(join(dir, 'dense.safetensors')).size;
    expect(ratio).toBeLessThan(0.25);
    expect(ratio).toBeGreaterThan(0.1);
    const back = loadSparse(join(dir, 'sparse.safetensors'));
    for (const [name, t] of Object.entries(weights)) expect(bits(back[name])).toEqual(bits(t));
    tf.dispose(Object.values(back));
    model.dispose();
  });

  it('rejects weights outside their mask, unknown masks, and files it did not write', () => {
    const w = { w: tf.tensor1d([1, 2, 0, 0]) };
    expect(() => exportSparse(w, { masks: { w: { shape: [4], data: Uint8Array.from([1, 0, 1, 0]) } } })).toThrow(/value 2 at 1, outside its mask/);
    expect(() => exportSparse(w, { masks: { v: { shape: [4], data: new Uint8Array(4) } } })).toThrow(/mask 'v' names no tensor/);
    expect(() => exportSparse(w, { masks: { w: { shape: [2, 2], data: new Uint8Array(4) } } })).toThrow(/shape \[2,2\], tensor has \[4\]/);
    expect(() => exportSparse({ w: w.w, 'w.values': w.w }, { masks: { w: { shape: [4], data: Uint8Array.from([1, 1, 0, 0]) } } })).toThrow(/would collide/);
    const plain = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 123, 125]);
    expect(() => importSparse(plain)).toThrow(/not a file written by exportSparse/);
    tf.dispose(w.w);
  });
});
