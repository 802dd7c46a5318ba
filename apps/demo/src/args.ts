import { parseArgs } from 'node:util';
import type { Experiment } from './experiment.js';
import { declaredOptions } from './options.js';
import { UsageError } from './usage_error.js';

export const USAGE = `usage:
  proj-demo list [--json]
  proj-demo <experiment> [--quick] [--seed N] [--json] [--out DIR] [experiment options]
  proj-demo all [--quick] [--seed N] [--json] --out DIR

options:
  --quick     CI-sized run (minutes on a 2-core CPU)
  --seed N    seed of every random choice (integer >= 0, default 0)
  --json      print one JSON object as the last line of stdout
  --out DIR   write result.json and a self-contained report.html into DIR
  -h, --help  show this help

Experiment options (e.g. vmc --model j1j2) are listed by \`proj-demo list\`.`;

export interface RunFlags {
  quick: boolean;
  seed: number;
  json: boolean;
  out?: string;
  /** Flags declared by the experiment itself, as given; checked and defaulted once, when it runs (a bad one exits with code 2). */
  options: Record<string, string | boolean>;
}

const COMMON_FLAGS = ['quick', 'seed', 'json', 'out', 'help'];

export type Command =
  | { kind: 'help' }
  | { kind: 'list'; json: boolean }
  | ({ kind: 'run'; name: string } & RunFlags)
  | ({ kind: 'all'; out: string } & RunFlags);

function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  // Strict digits only: Number('') is 0 and Number('1e3') is 1000, both surprising for a seed.
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--seed must be an integer >= 0, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Parses argv (without node and the script) against the registered experiments and their flags. */
export function parseCommand(argv: readonly string[], experiments: readonly Pick<Experiment, 'name' | 'options'>[]): Command {
  const experimentNames = experiments.map((e) => e.name);
  const extra = Object.fromEntries(
    [...declaredOptions(experiments)].filter(([flag]) => !COMMON_FLAGS.includes(flag)).map(([flag, type]) => [flag, { type }]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...extra,
        quick: { type: 'boolean', default: false },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    // parseArgs names the offending flag; keep its first line, drop the Node error code.
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return { kind: 'help' };
  const valid = `valid experiments: ${experimentNames.join(', ') || '(none registered)'}`;
  if (positionals.length === 0) throw new UsageError(`missing a command: list, all or an experiment name; ${valid}`);
  if (positionals.length > 1) {
    throw new UsageError(`expected one command, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const [command] = positionals;
  if (command === 'list') return { kind: 'list', json: values.json ?? false };
  const options: Record<string, string | boolean> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (!COMMON_FLAGS.includes(flag) && value !== undefined) options[flag] = value as string | boolean;
  }
  const flags: RunFlags = {
    quick: (values.quick as boolean | undefined) ?? false,
    seed: parseSeed(values.seed as string | undefined),
    json: (values.json as boolean | undefined) ?? false,
    out: values.out as string | undefined,
    options,
  };
  if (flags.out === '') throw new UsageError('--out needs a directory');
  if (command === 'all') {
    if (flags.out === undefined) throw new UsageError('all needs --out DIR: it writes one report per experiment and an index.html');
    if (Object.keys(options).length > 0) {
      throw new UsageError(`all runs every experiment with its defaults; --${Object.keys(options)[0]} belongs to one experiment`);
    }
    return { kind: 'all', ...flags, out: flags.out };
  }
  if (!experimentNames.includes(command)) throw new UsageError(`unknown experiment ${JSON.stringify(command)}; ${valid}`);
  return { kind: 'run', name: command, ...flags };
}
