import { parseArgs } from 'node:util';

/** A mistake in the command line: the CLI prints it with the usage and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage:
  proj-demo list [--json]
  proj-demo <experiment> [--quick] [--seed N] [--json] [--out DIR]
  proj-demo all [--quick] [--seed N] [--json] --out DIR

options:
  --quick     CI-sized run (minutes on a 2-core CPU)
  --seed N    seed of every random choice (integer >= 0, default 0)
  --json      print one JSON object as the last line of stdout
  --out DIR   write result.json and a self-contained report.html into DIR
  -h, --help  show this help`;

export interface RunFlags {
  quick: boolean;
  seed: number;
  json: boolean;
  out?: string;
}

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

/** Parses argv (without node and the script) against the registered experiment names. */
export function parseCommand(argv: readonly string[], experimentNames: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
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
  const flags: RunFlags = {
    quick: values.quick ?? false,
    seed: parseSeed(values.seed),
    json: values.json ?? false,
    out: values.out,
  };
  if (flags.out === '') throw new UsageError('--out needs a directory');
  if (command === 'all') {
    if (flags.out === undefined) throw new UsageError('all needs --out DIR: it writes one report per experiment and an index.html');
    return { kind: 'all', ...flags, out: flags.out };
  }
  if (!experimentNames.includes(command)) throw new UsageError(`unknown experiment ${JSON.stringify(command)}; ${valid}`);
  return { kind: 'run', name: command, ...flags };
}
