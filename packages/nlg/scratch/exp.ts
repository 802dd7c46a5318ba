import { initBackend, silentProgress } from '@proj/core';
import { runNlgCsr, QUICK } from '../../../apps/demo/src/experiments/nlg_csr.js';
await initBackend();
const steps = Number(process.env.S ?? 20);
const r = await runNlgCsr({ quick: true, seed: 1, reporter: silentProgress, log: (m) => console.error(new Date().toISOString(), m), options: {} },
  { ...QUICK, pretrainSteps: steps, csrSteps: steps, finetuneSteps: steps, testSize: Number(process.env.T ?? 100) });
console.log(JSON.stringify(r.metrics));
