import { initBackend, tf, adam, Rng } from '@proj/core';
import { Transformer } from '../src/transformer.js';
import { labelSmoothedCrossEntropy } from '../src/label_smoothing.js';
const info = await initBackend();
console.log(info.name, info.kernels.join(','), info.native.active);
const V = Number(process.env.V ?? 4000), B = Number(process.env.B ?? 32), L = Number(process.env.L ?? 20);
const m = new Transformer({ vocabSize: V, dModel: 128, heads: 4, ffnDim: 512, encoderLayers: 2, decoderLayers: 2, dropout: 0.1, maxLen: 64 }, 0, 1);
const rng = new Rng(2);
const ids = () => tf.tensor2d(Int32Array.from({ length: B * L }, () => 1 + rng.int(V - 1)), [B, L], 'int32');
const opt = adam(1e-3);
const vars = Object.values(m.params);
for (let i = 0; i < Number(process.env.STEPS ?? 6); i++) {
  const t0 = performance.now();
  const src = ids(), tin = ids(), tout = ids();
  tf.tidy(() => { opt.minimize(() => labelSmoothedCrossEntropy(m.forward(src, tin, rng), tout, 0, 0.1), false, vars); });
  src.dispose(); tin.dispose(); tout.dispose();
  console.log('step ms', (performance.now() - t0).toFixed(0), tf.memory().numTensors);
}
if (process.env.PROF) {
  (globalThis as any).x=1;
  const src = ids(), tin = ids(), tout = ids();
  const prof = await tf.profile(() => tf.tidy(() => { opt.minimize(() => labelSmoothedCrossEntropy(m.forward(src, tin, rng), tout, 0, 0.1), false, vars); }));
  const agg = new Map<string, number>();
  for (const k of prof.kernels) agg.set(k.name, (agg.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 20));
}
if (process.env.SHAPES) {
  const src = ids(), tin = ids(), tout = ids();
  const prof = await tf.profile(() => tf.tidy(() => { opt.minimize(() => labelSmoothedCrossEntropy(m.forward(src, tin, rng), tout, 0, 0.1), false, vars); }));
  const agg = new Map<string, number>();
  for (const k of prof.kernels) { const key = k.name + JSON.stringify(k.inputShapes); agg.set(key, (agg.get(key) ?? 0) + (k.kernelTimeMs as number)); }
  console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 25));
}
