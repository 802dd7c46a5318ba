import type { Experiment, ExperimentContext } from '../src/experiment.js';

/** Experiments that finish instantly, for testing the CLI and reports without training. */
export function fakeExperiment(name: string, overrides: Partial<Experiment> = {}): Experiment & { seen: ExperimentContext[] } {
  const seen: ExperimentContext[] = [];
  return {
    name,
    package: '@proj/fake',
    description: `fake experiment ${name}`,
    seen,
    async run(ctx) {
      seen.push(ctx);
      ctx.log('running');
      return {
        metrics: { accuracy: 0.5 + ctx.seed / 1000, steps: 3 },
        curves: { loss: [{ x: 1, y: 2 }, { x: 2, y: 1 }, { x: 3, y: 0.5 }] },
        notes: ['a note with <b>markup</b> & "quotes"'],
      };
    },
    ...overrides,
  };
}

/** Captures what main() writes. */
export function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t: string) => void out.push(t),
    stderr: (t: string) => void err.push(t),
    stdoutText: () => out.join(''),
    stderrText: () => err.join(''),
  };
}
