// How every case is timed, on both sides (bench/torch_twin.py follows the same rule):
//
// 1. One run. If it took over SLOW_MS it is the only sample (a 45 s stock
//    kernel gains nothing from a warm-up, and its JIT/allocation overhead is
//    a rounding error there).
// 2. Otherwise warm up for `warmupMs` (at least one more run, at most
//    MAX_WARMUP_RUNS), then time up to `maxReps` runs, stopping early once at
//    least `minReps` runs are in and `budgetMs` is spent. The warm-up reaches
//    the steady state a training loop runs in: Node frees a tensor's memory
//    only at a garbage collection, so the first tens of MB of outputs land on
//    fresh pages (each page fault cost 15-30 us on the benchmark machine)
//    until the first collections hand memory back for reuse.
// Reported: median and minimum of the samples, and how many there were.
import { performance } from 'node:perf_hooks';

export const SLOW_MS = 3000;

export const MAX_WARMUP_RUNS = 200;

export const TIMING = {
  full: { minReps: 3, maxReps: 9, budgetMs: 4000, warmupMs: 500 },
  quick: { minReps: 2, maxReps: 4, budgetMs: 800, warmupMs: 150 },
};

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `once()` runs the workload to completion and returns nothing; returns { samples, median, min, warm }. */
export function timeIt(once, { minReps, maxReps, budgetMs, warmupMs }) {
  const clock = () => {
    const t0 = performance.now();
    once();
    return performance.now() - t0;
  };
  const first = clock();
  if (first > SLOW_MS) return { samples: [first], median: first, min: first, warm: false };
  let warm = clock();
  for (let runs = 1; warm < warmupMs && runs < MAX_WARMUP_RUNS; runs++) warm += clock();
  const samples = [];
  let spent = 0;
  while (samples.length < maxReps && (samples.length < minReps || spent < budgetMs)) {
    const t = clock();
    samples.push(t);
    spent += t;
  }
  return { samples, median: median(samples), min: Math.min(...samples), warm: true };
}
