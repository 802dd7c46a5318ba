// Ours vs PyTorch on the same workloads: packages/core/bench (native kernels
// where available, and the best of our configurations per case) against
// bench/torch_twin.py with the same thread count.
//
//   npm run bench:compare [-- --quick] [--json] [--rounds R] [--threads N]
//                         [--configs native,js,wasm] [--cases a,b] [--python /usr/bin/python3]
//
// The machine is shared and noisy, so the two sides alternate: R rounds, each
// running every configuration of ours and the PyTorch twin, in the opposite
// order on odd rounds. Samples of all rounds are pooled per side; times are
// the pooled median (min). ratio = ours / PyTorch (below 1: ours is faster).
// OPENBLAS_CORETYPE is passed through unchanged to both sides and printed.
import { spawnSync } from 'node:child_process';
import { spawnJsonLine } from './spawn_json.mjs';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { URL, fileURLToPath } from 'node:url';
import { CASES } from './cases.mjs';
import { machinePeak } from './machine.mjs';
import { COMMON_OPTIONS, CONFIGS, assertBuilt, parseConfigs, runConfig } from './ours.mjs';
import { parseArgs as parseCliArgs } from 'node:util';
import { caseSummary, describeConfig, fmtG, formatTable, gflops, poolRuns, round, statusNotes, timeCell } from './report.mjs';

const TWIN = fileURLToPath(new URL('../../../bench/torch_twin.py', import.meta.url));

function parseArgs(argv) {
  const { values } = parseCliArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, threads: { type: 'string', default: '2' }, rounds: { type: 'string' }, python: { type: 'string' } },
  });
  if (values.help) {
    console.log('usage: compare.mjs [--quick] [--json] [--rounds R] [--threads N] [--configs native,js,wasm] [--cases a,b] [--python PATH]');
    process.exit(0);
  }
  const opts = { ...values, rounds: values.rounds === undefined ? undefined : Number(values.rounds), threads: Number(values.threads) };
  opts.rounds ??= opts.quick ? 2 : 3;
  for (const k of ['rounds', 'threads']) {
    if (!(Number.isInteger(opts[k]) && opts[k] > 0)) throw new Error(`--${k} must be a positive integer, got ${opts[k]}`);
  }
  // Stock kernels are never the best (and take minutes); ask for them with --configs.
  opts.configs = parseConfigs(opts.configs, ['native', 'js', 'wasm']);
  if (opts.cases) {
    opts.cases = opts.cases.split(',').map((s) => s.trim());
    const bad = opts.cases.filter((n) => !CASES.some((c) => c.name === n));
    if (bad.length) throw new Error(`--cases: unknown ${bad.join(', ')}`);
  }
  return opts;
}

/** The first interpreter that imports torch: --python, $PYTHON, Debian's /usr/bin/python3, then python3 on PATH. */
function findPython(explicit) {
  const candidates = explicit ? [explicit] : [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean);
  for (const py of candidates) {
    if (py.startsWith('/') && !existsSync(py)) continue;
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  throw new Error(
    `no python with torch among ${candidates.join(', ')}: apt-get install -y python3-torch libopenblas0-pthread (or pass --python)`,
  );
}

function runTwin(python, opts) {
  const args = [TWIN, '--json', '--threads', String(opts.threads)];
  if (opts.quick) args.push('--quick');
  if (opts.cases) args.push('--cases', opts.cases.join(','));
  return spawnJsonLine(python, args).then((r) => r.json ?? { error: `torch_twin failed (${r.error})`, results: [] });
}

function ratioCell(ours, torch) {
  if (!ours || ours.status !== 'ok' || !torch || torch.status !== 'ok') return '-';
  return `${(ours.median_ms / torch.median_ms).toFixed(2)} (${(ours.min_ms / torch.min_ms).toFixed(2)})`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  assertBuilt();
  const python = findPython(opts.python);
  const peak = machinePeak();
  const started = Date.now();
  const oursRuns = Object.fromEntries(opts.configs.map((n) => [n, []]));
  const torchRuns = [];

  const runOurs = async () => {
    for (const name of opts.configs) {
      oursRuns[name].push(await runConfig(name, { quick: opts.quick, cases: opts.cases, threads: opts.threads }));
    }
  };
  const runTorch = async () => torchRuns.push(await runTwin(python, opts));
  for (let round = 0; round < opts.rounds; round++) {
    process.stderr.write(`[compare] round ${round + 1}/${opts.rounds} (${round % 2 ? 'PyTorch first' : 'ours first'})\n`);
    if (round % 2 === 0) {
      await runOurs();
      await runTorch();
    } else {
      await runTorch();
      await runOurs();
    }
  }
  const seconds = (Date.now() - started) / 1000;

  const pooled = new Map(opts.configs.map((n) => [n, poolRuns(oursRuns[n])]));
  const torch = poolRuns(torchRuns);
  const torchInfo = torchRuns.find((r) => r.info)?.info ?? null;
  const cases = opts.cases ? CASES.filter((c) => opts.cases.includes(c.name)) : CASES;

  /** Per case: the configuration of ours with the lowest pooled median. */
  const best = (name) => {
    let pick = null;
    for (const n of opts.configs) {
      const r = pooled.get(n).cases[name];
      if (r?.status === 'ok' && (!pick || r.median_ms < pick.r.median_ms)) pick = { config: n, r };
    }
    return pick;
  };
  const hasNative = pooled.has('native');
  const nat = (name) => (hasNative ? pooled.get('native').cases[name] : undefined);

  const out = [];
  out.push(
    `ours vs PyTorch${opts.quick ? ' --quick' : ''}: ${opts.rounds} alternating rounds, ${opts.threads} threads each side ` +
      `(PROJ_NATIVE_THREADS / torch.set_num_threads), OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? '(unset)'}, ${seconds.toFixed(0)} s`,
  );
  out.push(peak.assumption);
  for (const n of opts.configs) out.push(`  ${CONFIGS[n].label.padEnd(16)} ${describeConfig(pooled.get(n))}`);
  out.push(
    torchInfo
      ? `  ${'PyTorch'.padEnd(16)} torch ${torchInfo.torch} (${python}), ${torchInfo.threads} threads, mkldnn ${torchInfo.mkldnn}, ISA ${torchInfo.cpu_capability}`
      : `  PyTorch          ${torch.errors[0] ?? 'no result'}`,
  );
  out.push('');
  out.push('time, ms: pooled median (min); ratio = ours / PyTorch, median (min); < 1 means ours is faster');
  const headers = ['case', 'cpu + native', 'best of ours', 'PyTorch', 'native/torch', 'best/torch'];
  const rows = cases.map((c) => {
    const b = best(c.name);
    const t = torch.cases[c.name];
    return [
      c.label,
      hasNative ? timeCell(nat(c.name)) : 'not run',
      b ? `${b.config} ${timeCell(b.r)}` : 'n/a',
      timeCell(t),
      ratioCell(nat(c.name), t),
      ratioCell(b?.r, t),
    ];
  });
  out.push(formatTable(headers, rows));
  out.push('');
  out.push(`GFLOP/s at the median (at the min); peak ${peak.gflops.toFixed(0)} GFLOP/s`);
  const gcell = (r, flops) => (r?.status === 'ok' ? `${fmtG(gflops(flops, r.median_ms))} (${fmtG(gflops(flops, r.min_ms))})` : r?.status ?? '-');
  out.push(
    formatTable(
      ['case', 'GFLOP', 'cpu + native', 'best of ours', 'PyTorch'],
      cases.map((c) => {
        const b = best(c.name);
        return [c.label, (c.flops / 1e9).toFixed(3), hasNative ? gcell(nat(c.name), c.flops) : 'not run', b ? `${b.config} ${gcell(b.r, c.flops)}` : 'n/a', gcell(torch.cases[c.name], c.flops)];
      }),
    ),
  );
  const notes = statusNotes([...opts.configs.map((n) => [CONFIGS[n].label, pooled.get(n)]), ['PyTorch', torch]]);
  if (notes.length) out.push('', 'notes:', ...notes.map((n) => `  ${n}`));
  out.push(`samples of ${opts.rounds} runs per side pooled; x1 marks a single sample`);
  console.log(out.join('\n'));

  if (opts.json) {
    const summary = (r, flops) => caseSummary(r, flops, peak.gflops);
    const ratio = (a, t, key) => (a?.status === 'ok' && t?.status === 'ok' ? round(a[key] / t[key], 4) : null);
    console.log(
      JSON.stringify({
        bench: '@proj/core vs PyTorch',
        quick: opts.quick,
        rounds: opts.rounds,
        threads: opts.threads,
        seconds,
        node: process.version,
        cpus: os.availableParallelism?.() ?? os.cpus().length,
        OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null,
        machine: peak,
        torch: torchInfo,
        configs: Object.fromEntries(
          opts.configs.map((n) => {
            const p = pooled.get(n);
            return [n, { label: CONFIGS[n].label, env: CONFIGS[n].env, initBackend: p.info ?? null, native: p.native ?? null, errors: p.errors }];
          }),
        ),
        cases: cases.map((c) => {
          const b = best(c.name);
          const t = torch.cases[c.name];
          return {
            name: c.name,
            label: c.label,
            flops: c.flops,
            ours: Object.fromEntries(opts.configs.map((n) => [n, summary(pooled.get(n).cases[c.name], c.flops)])),
            best: b ? { config: b.config, ...summary(b.r, c.flops) } : null,
            torch: summary(t, c.flops),
            ratio_native_median: ratio(nat(c.name), t, 'median_ms'),
            ratio_native_min: ratio(nat(c.name), t, 'min_ms'),
            ratio_best_median: ratio(b?.r, t, 'median_ms'),
            ratio_best_min: ratio(b?.r, t, 'min_ms'),
          };
        }),
      }),
    );
  }
}

main().catch((e) => {
  console.error(`bench:compare: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
