import type { ProgressReporter } from '@proj/core';
import { checkImage } from '@proj/core';
import type { CurvePoint, Experiment, ExperimentResult, ReportImage } from './experiment.js';
import { resolveOptions } from './options.js';

/** The machine-readable line printed by `--json`: exactly these keys, numbers only in metrics. */
export interface RunSummary {
  experiment: string;
  backend: string;
  seed: number;
  quick: boolean;
  seconds: number;
  metrics: Record<string, number>;
}

/** Everything a report shows: the summary plus curves, notes and where the numbers came from. */
export interface RunReport extends RunSummary {
  package: string;
  description: string;
  /** Why this backend was chosen, from `initBackend`. */
  backendReason: string;
  /** Kernels served by @proj/core instead of the backend's stock ones. */
  kernels: string[];
  /** ISO time at which the run started. */
  startedAt: string;
  /** The experiment's own flags, defaults filled in. */
  options: Record<string, string | boolean>;
  curves: Record<string, CurvePoint[]>;
  axes: Record<string, { x?: string; y?: string }>;
  notes: string[];
  images: Record<string, ReportImage>;
}

export interface RunOptions {
  quick: boolean;
  seed: number;
  backend: { name: string; reason: string; kernels: string[] };
  reporter: ProgressReporter;
  log: (msg: string) => void;
  /** The experiment's own flags as given on the command line (defaults are filled in here). */
  options?: Readonly<Record<string, string | boolean>>;
}

/** Only finite numbers survive JSON.stringify as numbers; anything else would break the --json contract. */
function checkResult(name: string, result: ExperimentResult): void {
  if (result === null || typeof result !== 'object' || result.metrics === null || typeof result.metrics !== 'object') {
    throw new Error(`experiment ${name}: run() must resolve to { metrics: Record<string, number>, ... }`);
  }
  for (const [key, value] of Object.entries(result.metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`experiment ${name}: metric ${JSON.stringify(key)} = ${String(value)} is not a finite number`);
    }
  }
  for (const [curve, points] of Object.entries(result.curves ?? {})) {
    if (!Array.isArray(points)) throw new Error(`experiment ${name}: curve ${JSON.stringify(curve)} must be an array of { x, y }`);
    points.forEach((p, i) => {
      if (!Number.isFinite(p?.x) || !Number.isFinite(p?.y)) {
        throw new Error(`experiment ${name}: curve ${JSON.stringify(curve)} point ${i} = ${JSON.stringify(p)} needs finite x and y`);
      }
    });
  }
  for (const [image, value] of Object.entries(result.images ?? {})) {
    // The name becomes a file name in the report folder.
    if (!/^[A-Za-z0-9][\w.-]*$/.test(image)) {
      throw new Error(`experiment ${name}: image name ${JSON.stringify(image)} must be letters, digits, '.', '_' or '-'`);
    }
    checkImage(value, `experiment ${name}: image ${JSON.stringify(image)}`);
    const frames = value.animation?.frames ?? [];
    frames.forEach((f, i) => {
      checkImage(f, `experiment ${name}: image ${JSON.stringify(image)} animation frame ${i}`);
      if (f.width !== frames[0]!.width || f.height !== frames[0]!.height) {
        throw new Error(`experiment ${name}: image ${JSON.stringify(image)} animation frames must all be ${frames[0]!.width}x${frames[0]!.height}, frame ${i} is ${f.width}x${f.height}`);
      }
    });
    if (value.animation && frames.length === 0) throw new Error(`experiment ${name}: image ${JSON.stringify(image)} animation has no frames`);
  }
}

/** Runs one experiment, times it and validates what it returns. */
export async function runExperiment(exp: Experiment, opts: RunOptions): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const options = resolveOptions(exp, opts.options ?? {});
  const result = await exp.run({ quick: opts.quick, seed: opts.seed, reporter: opts.reporter, log: opts.log, options });
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  checkResult(exp.name, result);
  return {
    experiment: exp.name,
    backend: opts.backend.name,
    seed: opts.seed,
    quick: opts.quick,
    seconds,
    metrics: { ...result.metrics },
    package: exp.package,
    description: exp.description,
    backendReason: opts.backend.reason,
    kernels: [...opts.backend.kernels],
    startedAt,
    options,
    curves: result.curves ?? {},
    axes: result.axes ?? {},
    notes: result.notes ?? [],
    images: result.images ?? {},
  };
}

/** The `--json` object of a report: the fixed keys only, in a fixed order. */
export function summaryOf(r: RunSummary): RunSummary {
  return {
    experiment: r.experiment,
    backend: r.backend,
    seed: r.seed,
    quick: r.quick,
    seconds: r.seconds,
    metrics: r.metrics,
  };
}
