// Per-kernel CPU-time profile of training updates of the nlg-csr quick model:
// wraps every kernel registered on the cpu backend with a timer, runs warm-up
// updates, then measured ones, and prints the kernels by total time.
// Usage: node packages/nlg/bench/step_profile.mjs [updates=3] [batch=32] [len=20] [vocab=2000] [dModel=128] [layers=2]
// SHAPES=1 also splits each kernel by input shapes and attributes; TOP=n rows; PROFILE=0 only the total.
import { performance } from 'node:perf_hooks';
import { initBackend, Rng, tf } from '@proj/core';
import { Transformer, PAD_ID, trainSeq2Seq } from '@proj/nlg';

const [updates = 3, batch = 32, len = 20, vocab = 2000, dModel = 128, layers = 2] = process.argv.slice(2).map(Number);
const info = await initBackend();
console.log(`backend ${info.name}, native ${info.native.active}, fast kernels: ${info.kernels.join(' ')}`);

const times = new Map();
// PROFILE=0 leaves the kernels unwrapped: the per-update total without the timers' own cost.
for (const k of process.env.PROFILE === '0' ? [] : tf.getKernelsForBackend('cpu')) {
  const f = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, 'cpu');
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      // Process CPU time, not wall time: on a shared machine it is what an idle run would take.
      const t = process.cpuUsage();
      const out = f(args);
      const d = process.cpuUsage(t);
      const ms = (d.user + d.system) / 1000;
      const keys = [k.kernelName];
      if (process.env.SHAPES) keys.push(`${k.kernelName} ${Object.values(args.inputs).map((x) => `[${x.shape}]`).join(' ')} ${JSON.stringify(args.attrs ?? {})}`);
      for (const key of keys) {
        const e = times.get(key) ?? { ms: 0, calls: 0 };
        e.ms += ms;
        e.calls++;
        times.set(key, e);
      }
      return out;
    },
  });
}

const rng = new Rng(0);
const model = new Transformer({ vocabSize: vocab, dModel, heads: 4, ffnDim: 4 * dModel, encoderLayers: layers, decoderLayers: layers, dropout: 0.1, maxLen: len + 4 }, PAD_ID, 1);
// Sentences of 6-18 tokens, as the gettext messages after BPE.
const examples = Array.from({ length: 4 * batch }, () => {
  const sent = () => Array.from({ length: 6 + rng.int(13) }, () => 8 + rng.int(vocab - 8));
  return { source: sent(), target: sent(), sourceLang: 5, targetLang: 6 };
});
const opts = { batchSize: batch, lr: 1e-3, warmupSteps: 0, labelSmoothing: 0.1, maxLen: len, seed: 0 };
trainSeq2Seq(model, examples, { ...opts, steps: 1 });
times.clear();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
trainSeq2Seq(model, examples, { ...opts, steps: updates });
const wall = (performance.now() - t0) / 1000 / updates;
const c = process.cpuUsage(cpu0);
const cpu = (c.user + c.system) / 1e6 / updates;
let kernelMs = 0;
for (const [key, e] of times) if (!key.includes(' ')) kernelMs += e.ms;
console.log(`per update: ${cpu.toFixed(3)} CPU-s, ${wall.toFixed(3)} s wall, kernels ${(kernelMs / updates / 1000).toFixed(3)} CPU-s`);
const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [name, e] of rows.slice(0, Number(process.env.TOP ?? 30))) {
  console.log(`${name.slice(0, 110).padEnd(24)} ${(e.ms / updates).toFixed(1).padStart(8)} CPU-ms/update ${String(e.calls / updates).padStart(5)} calls  ${((100 * e.ms) / kernelMs).toFixed(1).padStart(5)}%`);
}
model.dispose();
