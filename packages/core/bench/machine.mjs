// The machine's theoretical fp32 peak, from /proc/cpuinfo (Linux) or os.cpus().
//
//   peak = cores x clock x FLOPs/cycle/core
//   FLOPs/cycle/core = FMA units x fp32 lanes x 2 (one FMA is a multiply and an add)
//
// Lanes follow the widest vector ISA the flags announce (avx512f 16, avx/avx2 8,
// sse 4). The number of FMA units per core is not visible in the flags; we
// assume 2 (true of Intel server cores since Haswell and of AMD Zen 4/5, where
// Zen 4 double-pumps 256-bit units, so its real AVX-512 rate is half of this).
// The clock is the current 'cpu MHz' (base clock on most VMs), so a core that
// boosts higher can exceed "100% of peak". Every assumption is returned as text.
// measureClockGHz() gives a lower bound on the clock actually running, and
// machinePeak reports the peak at that clock beside the nominal one.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

function addChain(n) {
  let x = 0;
  for (let i = 0; i < n; i++) x = (x + i) | 0;
  return x;
}

/**
 * A lower bound on the running core clock in GHz: each iteration of addChain
 * waits for the previous integer add (1 cycle latency on every x86 core of the
 * last 20 years), so iterations per second cannot exceed cycles per second.
 * Best of a few 30 ms runs; a busy machine only lowers the bound.
 */
export function measureClockGHz() {
  const n = 1e8;
  addChain(1e6);
  let best = 0;
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    addChain(n);
    best = Math.max(best, n / ((performance.now() - t0) * 1e6));
  }
  return best;
}

function cpuinfoText() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

function field(text, name) {
  const m = text.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'));
  return m ? m[1].trim() : undefined;
}

/**
 * @param {{ cores?: number, fmaUnits?: number, measureClock?: boolean }} [opts] cores defaults
 *   to the CPUs this process may use; fmaUnits to 2 (or env PROJ_BENCH_FMA_UNITS);
 *   measureClock (default true) spends ~0.2 s on measureClockGHz.
 */
export function machinePeak(opts = {}) {
  const text = cpuinfoText();
  const flags = new Set((field(text, 'flags') ?? '').split(/\s+/).filter(Boolean));
  const model = field(text, 'model name') ?? os.cpus()[0]?.model ?? 'unknown';
  const family = field(text, 'cpu family');
  const mhzField = Number(field(text, 'cpu MHz'));
  const mhz = Number.isFinite(mhzField) && mhzField > 0 ? mhzField : os.cpus()[0]?.speed ?? 0;
  const clockSource = Number.isFinite(mhzField) && mhzField > 0 ? "/proc/cpuinfo 'cpu MHz'" : 'os.cpus() speed';
  const cores = opts.cores ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);

  let isa = 'scalar';
  let lanes = 1;
  if (flags.has('avx512f')) [isa, lanes] = ['avx512f', 16];
  else if (flags.has('avx2') || flags.has('avx')) [isa, lanes] = [flags.has('avx2') ? 'avx2' : 'avx', 8];
  else if (flags.has('sse')) [isa, lanes] = ['sse', 4];
  const fma = flags.has('fma');
  const envUnits = Number(process.env.PROJ_BENCH_FMA_UNITS);
  const fmaUnits = opts.fmaUnits ?? (Number.isInteger(envUnits) && envUnits > 0 ? envUnits : 2);
  // Without FMA, count one multiply and one add pipe: the same 2 FLOPs per lane per unit pair.
  const flopsPerCycle = fmaUnits * lanes * 2;
  const gflops = (cores * mhz * flopsPerCycle) / 1000;

  const measuredGHz = opts.measureClock === false ? undefined : measureClockGHz();
  const gflopsAtMeasured = measuredGHz === undefined ? undefined : cores * measuredGHz * flopsPerCycle;
  const assumption =
    `peak ${gflops.toFixed(1)} GFLOP/s fp32 = ${cores} cores x ${(mhz / 1000).toFixed(3)} GHz (${clockSource}) x ` +
    `${flopsPerCycle} FLOP/cycle (${fmaUnits} ${fma ? 'FMA' : 'mul+add'} units assumed x ${lanes} lanes ${isa} x 2); ` +
    `CPU '${model}'${family ? ` family ${family}` : ''}; a core boosting above that clock can exceed 100%` +
    (measuredGHz === undefined
      ? ''
      : ` (a dependent-add loop ran at >= ${measuredGHz.toFixed(2)} GHz here: peak >= ${gflopsAtMeasured.toFixed(0)} GFLOP/s at that clock)`) +
    '; PROJ_BENCH_FMA_UNITS=1 assumes one FMA unit per core';
  return { gflops, cores, mhz, clockSource, isa, lanes, fma, fmaUnits, flopsPerCycle, model, family, measuredGHz, gflopsAtMeasured, assumption };
}
