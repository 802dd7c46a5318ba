import { initBackend } from '@proj/core';
import { runGanStu, GAN_STU_QUICK } from '/work/wt-gan/apps/demo/src/experiments/gan_stu.ts';
await initBackend();
const over = JSON.parse(process.argv[2] ?? '{}');
const t0 = performance.now();
const r = await runGanStu({ quick: true, seed: Number(process.env.SEED ?? 0), reporter: { start() {}, tick() {}, end() {} }, log: (m) => console.log(m), options: {} }, { ...GAN_STU_QUICK, ...over });
console.log(JSON.stringify(r.metrics), ((performance.now() - t0) / 1000).toFixed(1), 's');
