// @proj/core benchmark: matmul, conv2d forward / input grad / weight grad, and
// one training step of two small CNNs, on every backend configuration.
//
//   npm run bench [-- --quick] [--json] [--configs stock,js,native,wasm] [--cases a,b] [--threads N] [--profile]
//   (from the repo root; or `npm run bench` / `node bench/run.mjs` in packages/core after a build)
//
// Each configuration runs in its own process (ours.mjs sets PROJ_BACKEND,
// PROJ_FAST_KERNELS, PROJ_NATIVE) and records what initBackend() returned.
// Times are the median and min of several runs after a warm-up (timing.mjs);
// stock kernels that take tens of seconds run once, and --quick skips them.
// GFLOP/s are at the median time; % is of the machine peak (machine.mjs).
// --json prints one JSON object as the last stdout line. --profile adds, for
// the training steps, where the time goes per tfjs kernel (one tf.profile'd step).
import os from 'node:os';
import { CASES } from './cases.mjs';
import { machinePeak } from './machine.mjs';
import { COMMON_OPTIONS, CONFIGS, CONFIG_NAMES, assertBuilt, parseConfigs, runConfig } from './ours.mjs';
import { parseArgs as parseCliArgs } from 'node:util';
import { caseSummary, describeConfig, formatTable, gflopsCell, poolRuns, statusNotes, timeCell } from './report.mjs';

function parseArgs(argv) {
  const { values } = parseCliArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, profile: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log('usage: run.mjs [--quick] [--json] [--configs stock,js,native,wasm] [--cases name,...] [--threads N] [--profile]');
    console.log(`cases: ${CASES.map((c) => c.name).join(', ')}`);
    process.exit(0);
  }
  const opts = { ...values, threads: values.threads === undefined ? undefined : Number(values.threads) };
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads > 0)) {
    throw new Error(`--threads must be a positive integer, got ${opts.threads}`);
  }
  if (opts.cases) {
    const names = opts.cases.split(',').map((s) => s.trim());
    const bad = names.filter((n) => !CASES.some((c) => c.name === n));
    if (bad.length) throw new Error(`--cases: unknown ${bad.join(', ')}; use some of ${CASES.map((c) => c.name).join(', ')}`);
    opts.cases = names;
  }
  opts.configs = parseConfigs(opts.configs, CONFIG_NAMES);
  return opts;
}

/** Per training-step case and configuration: the kernels that took the most time in one profiled step. */
function profileLines(cases, configs, pooled) {
  const lines = [];
  for (const c of cases) {
    for (const n of configs) {
      const prof = pooled.get(n).cases[c.name]?.profile;
      if (!prof) continue;
      const share = (ms) => `${((100 * ms) / prof.total_ms).toFixed(0)}%`;
      lines.push(
        `  ${c.name} on ${CONFIGS[n].label}: ${prof.total_ms.toFixed(0)} ms of kernels; ` +
          prof.top.map((k) => `${k.kernel} ${share(k.ms)}${k.calls > 1 ? ` (x${k.calls})` : ''}`).join(', '),
      );
    }
  }
  return lines.length ? ['', 'where a training step spends its kernel time (one tf.profile run; largest first):', ...lines] : [];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  assertBuilt();
  const peak = machinePeak();
  const started = Date.now();
  const pooled = new Map();
  for (const name of opts.configs) {
    process.stderr.write(`[bench] ${CONFIGS[name].label} ...\n`);
    const r = await runConfig(name, { quick: opts.quick, cases: opts.cases, threads: opts.threads, skipSlow: opts.quick && name === 'stock', profile: opts.profile });
    pooled.set(name, poolRuns([r]));
  }
  const seconds = (Date.now() - started) / 1000;
  const cases = opts.cases ? CASES.filter((c) => opts.cases.includes(c.name)) : CASES;
  const labels = opts.configs.map((n) => CONFIGS[n].label);

  const out = [];
  out.push(`@proj/core bench${opts.quick ? ' --quick' : ''}: node ${process.version}, ${os.availableParallelism?.() ?? os.cpus().length} CPUs, OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}${opts.threads ? `, PROJ_NATIVE_THREADS=${opts.threads}` : ''}, ${seconds.toFixed(0)} s`);
  out.push(peak.assumption);
  for (const name of opts.configs) out.push(`  ${CONFIGS[name].label.padEnd(16)} ${describeConfig(pooled.get(name))}`);
  out.push('');
  out.push('time per case, ms: median (min); x1 = a single run');
  out.push(formatTable(['case', ...labels], cases.map((c) => [c.label, ...opts.configs.map((n) => timeCell(pooled.get(n).cases[c.name]))])));
  out.push('');
  out.push(`GFLOP/s at the median (share of the ${peak.gflops.toFixed(0)} GFLOP/s peak)`);
  out.push(formatTable(['case', 'GFLOP', ...labels], cases.map((c) => [c.label, (c.flops / 1e9).toFixed(3), ...opts.configs.map((n) => gflopsCell(pooled.get(n).cases[c.name], c.flops, peak.gflops))])));
  if (opts.profile) out.push(...profileLines(cases, opts.configs, pooled));
  const notes = statusNotes(opts.configs.map((n) => [CONFIGS[n].label, pooled.get(n)]));
  if (notes.length) out.push('', 'notes:', ...notes.map((n) => `  ${n}`));
  console.log(out.join('\n'));

  if (opts.json) {
    const json = {
      bench: '@proj/core',
      quick: opts.quick,
      node: process.version,
      seconds,
      OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null,
      machine: peak,
      cases: cases.map((c) => ({ name: c.name, label: c.label, flops: c.flops })),
      configs: Object.fromEntries(
        opts.configs.map((n) => {
          const p = pooled.get(n);
          return [
            n,
            {
              label: CONFIGS[n].label,
              env: CONFIGS[n].env,
              initBackend: p.info ?? null,
              native: p.native ?? null,
              backend: p.backend ?? null,
              errors: p.errors,
              tensorsLeft: p.tensorsLeft,
              results: Object.fromEntries(
                cases.map((c) => {
                  const r = p.cases[c.name];
                  const summary = caseSummary(r, c.flops, peak.gflops);
                  return [c.name, r?.profile ? { ...summary, profile: r.profile } : summary];
                }),
              ),
            },
          ];
        }),
      ),
    };
    console.log(JSON.stringify(json));
  }
}

main().catch((e) => {
  console.error(`bench: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
