/**
 * Experiment-specific flags: checking what the user gave against what the
 * experiment declares, filling in defaults, and reading typed values.
 */
import { UsageError } from './usage_error.js';
import type { Experiment, ExperimentOption } from './experiment.js';

/** Every flag any experiment declares, with one type per name (checked when the registry is built). */
export function declaredOptions(experiments: readonly Pick<Experiment, 'name' | 'options'>[]): Map<string, ExperimentOption['type']> {
  const types = new Map<string, ExperimentOption['type']>();
  for (const e of experiments) {
    for (const [flag, spec] of Object.entries(e.options ?? {})) {
      const seen = types.get(flag);
      if (seen !== undefined && seen !== spec.type) {
        throw new Error(`registry: option --${flag} is a ${seen} in one experiment and a ${spec.type} in ${e.name}`);
      }
      types.set(flag, spec.type);
    }
  }
  return types;
}

/**
 * The options an experiment runs with: what was given, checked against its
 * declarations and choices, plus the declared defaults.
 */
export function resolveOptions(
  exp: Pick<Experiment, 'name' | 'options'>,
  given: Readonly<Record<string, string | boolean>>,
): Record<string, string | boolean> {
  const specs = exp.options ?? {};
  const out: Record<string, string | boolean> = {};
  for (const [flag, value] of Object.entries(given)) {
    const spec = specs[flag];
    if (spec === undefined) {
      const known = Object.keys(specs).map((f) => `--${f}`).join(', ') || 'none';
      throw new UsageError(`${exp.name} has no option --${flag} (its options: ${known})`);
    }
    if (typeof value !== (spec.type === 'string' ? 'string' : 'boolean')) {
      throw new UsageError(`--${flag} of ${exp.name} takes ${spec.type === 'string' ? 'a value' : 'no value'}`);
    }
    if (spec.choices && !spec.choices.includes(value as string)) {
      throw new UsageError(`--${flag} must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    out[flag] = value;
  }
  for (const [flag, spec] of Object.entries(specs)) {
    if (!(flag in out) && spec.default !== undefined) out[flag] = spec.default;
  }
  return out;
}

/** A numeric option, or `fallback` when absent; a value that is not a finite number is a usage error. */
export function numberOption(options: Readonly<Record<string, string | boolean>>, flag: string, fallback: number): number {
  const v = options[flag];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got ${JSON.stringify(v)}`);
  return n;
}

/** An integer option >= `min`, or `fallback` when absent. */
export function intOption(options: Readonly<Record<string, string | boolean>>, flag: string, fallback: number, min = 0): number {
  const n = numberOption(options, flag, fallback);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${String(options[flag])}`);
  return n;
}

/** A string option, or `fallback` when absent. */
export function stringOption(options: Readonly<Record<string, string | boolean>>, flag: string, fallback: string): string {
  const v = options[flag];
  return typeof v === 'string' ? v : fallback;
}
