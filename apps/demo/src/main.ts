import { join } from 'node:path';
import { initBackend, terminalProgress, type BackendInfo, type ProgressReporter } from '@proj/core';
import { parseCommand, USAGE, type RunFlags } from './args.js';
import { formatNumber } from './html.js';
import type { Experiment } from './experiment.js';
import { defaultRegistry, type Registry } from './registry.js';
import { writeIndex, writeReport, type IndexEntry } from './report.js';
import { UsageError } from './usage_error.js';
import { runExperiment, summaryOf, type RunReport, type RunSummary } from './run.js';

/** Where the CLI writes; tests pass in-memory sinks and their own registry. */
export interface MainIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  registry?: Registry;
  /** Defaults to a terminal progress bar on stderr (silent when not a TTY or with --json). */
  reporter?: (json: boolean) => ProgressReporter;
}

const processIo: MainIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function optionLines(exp: Experiment, indent: string): string[] {
  return Object.entries(exp.options ?? {}).map(([flag, spec]) => {
    const value = spec.type === 'string' ? (spec.choices ? ` ${spec.choices.join('|')}` : ' X') : '';
    const dflt = spec.default !== undefined && spec.type === 'string' ? ` (default ${spec.default})` : '';
    return `${indent}--${flag}${value}  ${spec.description}${dflt}`;
  });
}

function listText(registry: Registry): string {
  const rows = registry.experiments.map((e) => [e.name, e.package, e.description]);
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(7, ...rows.map((r) => r[1].length));
  const line = (r: string[]) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`;
  const lines = [line(['name', 'package', 'description'])];
  registry.experiments.forEach((e, i) => lines.push(line(rows[i]), ...optionLines(e, ' '.repeat(w0 + 2))));
  return lines.join('\n') + '\n';
}

function summaryText(r: RunReport, reportPath?: string): string {
  const head = `${r.experiment} (${r.package}): ${r.quick ? 'quick' : 'full'} run, seed ${r.seed}, backend ${r.backend}, ${formatNumber(r.seconds)} s`;
  const width = Math.max(0, ...Object.keys(r.metrics).map((k) => k.length));
  const lines = Object.entries(r.metrics).map(([k, v]) => `  ${k.padEnd(width)}  ${formatNumber(v)}`);
  if (reportPath) lines.push(`report: ${reportPath}`);
  return [head, ...lines].join('\n') + '\n';
}

async function runOne(name: string, flags: RunFlags, registry: Registry, backend: BackendInfo, io: MainIo): Promise<RunReport> {
  const exp = registry.get(name)!;
  const report = await runExperiment(exp, {
    quick: flags.quick,
    seed: flags.seed,
    backend,
    reporter: (io.reporter ?? ((json) => terminalProgress({ json })))(flags.json),
    log: (msg) => io.stderr(`[${name}] ${msg}\n`),
    options: flags.options,
  });
  return report;
}

/** Runs the CLI on argv (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: MainIo = processIo): Promise<number> {
  let registry: Registry;
  let command;
  try {
    registry = io.registry ?? defaultRegistry();
    command = parseCommand(argv, registry.experiments);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`proj-demo: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }

  if (command.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'list') {
    if (command.json) {
      const rows = registry.experiments.map((e) => ({ name: e.name, package: e.package, description: e.description, options: e.options ?? {} }));
      io.stdout(JSON.stringify(rows) + '\n');
    } else {
      io.stdout(listText(registry));
    }
    return 0;
  }

  let backend: BackendInfo;
  try {
    backend = await initBackend();
  } catch (e) {
    io.stderr(`proj-demo: ${errorText(e)}\n`);
    return 1;
  }
  io.stderr(`backend: ${backend.name} (${backend.reason})\n`);

  if (command.kind === 'run') {
    let report: RunReport;
    let reportPath: string | undefined;
    try {
      report = await runOne(command.name, command, registry, backend, io);
      if (command.out !== undefined) reportPath = (await writeReport(command.out, report)).html;
    } catch (e) {
      if (e instanceof UsageError) {
        io.stderr(`proj-demo: ${e.message}\n\n${USAGE}\n`);
        return 2;
      }
      io.stderr(`proj-demo: ${command.name} failed: ${errorText(e)}\n`);
      return 1;
    }
    if (command.json) {
      if (reportPath) io.stderr(`report: ${reportPath}\n`);
      io.stdout(JSON.stringify(summaryOf(report)) + '\n');
    } else {
      io.stdout(summaryText(report, reportPath));
    }
    return 0;
  }

  // all: one failing experiment does not stop the others; the index shows the error.
  const t0 = performance.now();
  const entries: IndexEntry[] = [];
  for (const exp of registry.experiments) {
    const entry: IndexEntry = { name: exp.name, package: exp.package, dir: exp.name };
    try {
      entry.report = await runOne(exp.name, command, registry, backend, io);
      await writeReport(join(command.out, exp.name), entry.report);
      if (!command.json) io.stdout(summaryText(entry.report));
    } catch (e) {
      entry.error = errorText(e);
      io.stderr(`proj-demo: ${exp.name} failed: ${entry.error}\n`);
    }
    entries.push(entry);
  }
  const indexPath = await writeIndex(command.out, entries, { seed: command.seed, quick: command.quick, backend: backend.name });
  const failed = entries.filter((e) => e.error !== undefined).map((e) => e.name);
  if (command.json) {
    const metrics: Record<string, number> = {};
    for (const e of entries) for (const [k, v] of Object.entries(e.report?.metrics ?? {})) metrics[`${e.name}.${k}`] = v;
    metrics.failed = failed.length;
    const summary: RunSummary = {
      experiment: 'all',
      backend: backend.name,
      seed: command.seed,
      quick: command.quick,
      seconds: Math.round((performance.now() - t0) / 10) / 100,
      metrics,
    };
    io.stderr(`index: ${indexPath}\n`);
    io.stdout(JSON.stringify(summary) + '\n');
  } else {
    io.stdout(`index: ${indexPath}${failed.length ? ` (failed: ${failed.join(', ')})` : ''}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}
