import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentProgress } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { createRegistry } from '../src/registry.js';
import { captureIo, fakeExperiment } from './fake.js';

const reporter = () => silentProgress;

async function run(argv: string[], experiments = [fakeExperiment('fake-a'), fakeExperiment('fake-b')]) {
  const io = captureIo();
  const code = await main(argv, { ...io, registry: createRegistry(experiments), reporter });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

describe('--json contract', () => {
  it('prints exactly one JSON object with the fixed keys as the last stdout line', async () => {
    const { code, stdout } = await run(['fake-a', '--json', '--seed', '7', '--quick']);
    expect(code).toBe(0);
    expect(stdout.endsWith('\n')).toBe(true);
    const lines = stdout.trimEnd().split('\n');
    const obj = JSON.parse(lines[lines.length - 1]);
    expect(Object.keys(obj)).toEqual(['experiment', 'backend', 'seed', 'quick', 'seconds', 'metrics']);
    expect(obj.experiment).toBe('fake-a');
    expect(obj.seed).toBe(7);
    expect(obj.quick).toBe(true);
    expect(typeof obj.backend).toBe('string');
    expect(obj.seconds).toBeGreaterThanOrEqual(0);
    expect(obj.metrics).toEqual({ accuracy: 0.507, steps: 3 });
    for (const v of Object.values(obj.metrics)) expect(typeof v).toBe('number');
  });

  it('passes seed and quick through, with seed 0 and full mode by default', async () => {
    const exp = fakeExperiment('fake-a');
    await run(['fake-a', '--json'], [exp]);
    expect(exp.seen[0].seed).toBe(0);
    expect(exp.seen[0].quick).toBe(false);
  });

  it('keeps logs off stdout', async () => {
    const { stdout, stderr } = await run(['fake-a', '--json']);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain('[fake-a] running');
  });

  it('fails with exit code 1 and no JSON when a metric is not a finite number', async () => {
    const bad = fakeExperiment('bad', { run: async () => ({ metrics: { loss: NaN } }) });
    const { code, stdout, stderr } = await run(['bad', '--json'], [bad]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/metric "loss" = NaN is not a finite number/);
  });

  it('fails with exit code 1 when an image is malformed or badly named', async () => {
    const short = fakeExperiment('short', {
      run: async () => ({ metrics: {}, images: { grid: { width: 2, height: 2, channels: 1, data: new Uint8Array(3) } } }),
    });
    expect((await run(['short'], [short])).stderr).toMatch(/image "grid": data must be a Uint8Array of width\*height\*channels = 4 bytes/);
    const named = fakeExperiment('named', {
      run: async () => ({ metrics: {}, images: { '../x': { width: 1, height: 1, channels: 1, data: new Uint8Array(1) } } }),
    });
    const { code, stderr } = await run(['named'], [named]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/image name "..\/x" must be/);
  });

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await run(['fake-b']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/fake-b \(@proj\/fake\): full run, seed 0/);
    expect(stdout).toMatch(/accuracy\s+0\.5\n/);
    expect(() => JSON.parse(stdout.trimEnd().split('\n').pop()!)).toThrow();
  });
});

describe('usage errors exit with code 2 and name the valid experiments', () => {
  it.each([
    [['nope']],
    [['fake-a', '--bogus']],
    [['fake-a', '--seed', 'abc']],
    [['fake-a', '--seed', '-1']],
    [[]],
    [['fake-a', 'fake-b']],
  ])('%j', async (argv) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^proj-demo: /);
    expect(stderr).toContain('usage:');
  });

  it('lists the registered names for an unknown experiment', async () => {
    const { stderr } = await run(['nope']);
    expect(stderr).toContain('unknown experiment "nope"; valid experiments: fake-a, fake-b');
  });

  it('all requires --out', async () => {
    const { code, stderr } = await run(['all']);
    expect(code).toBe(2);
    expect(stderr).toContain('all needs --out DIR');
  });
});

describe('list', () => {
  it('shows name, package and description of every experiment', async () => {
    const { code, stdout } = await run(['list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^name\s+package\s+description$/);
    expect(lines[1]).toMatch(/^fake-a\s+@proj\/fake\s+fake experiment fake-a$/);
    expect(lines[2]).toMatch(/^fake-b\s+/);
  });
});

describe('all', () => {
  it('writes one report per experiment and an index, and keeps going after a failure', async () => {
    const out = mkdtempSync(join(tmpdir(), 'proj-demo-all-'));
    const broken = fakeExperiment('broken', {
      run: async () => {
        throw new Error('boom <here>');
      },
    });
    const { code, stdout } = await run(['all', '--out', out, '--json', '--seed', '3'], [fakeExperiment('fake-a'), broken, fakeExperiment('fake-b')]);
    expect(code).toBe(1);
    const obj = JSON.parse(stdout.trimEnd().split('\n').pop()!);
    expect(obj.experiment).toBe('all');
    expect(obj.metrics['fake-a.accuracy']).toBeCloseTo(0.503);
    expect(obj.metrics['fake-b.steps']).toBe(3);
    expect(obj.metrics.failed).toBe(1);
    expect(existsSync(join(out, 'fake-a', 'report.html'))).toBe(true);
    expect(existsSync(join(out, 'fake-b', 'result.json'))).toBe(true);
    expect(existsSync(join(out, 'broken', 'report.html'))).toBe(false);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('<a href="fake-a/report.html">fake-a</a>');
    expect(index).toContain('accuracy = 0.503');
    expect(index).toContain('failed: boom &lt;here&gt;');
  });
});

describe('experiment options', () => {
  const withOptions = () =>
    fakeExperiment('vmc-like', {
      options: {
        model: { type: 'string', description: 'which Hamiltonian', default: 'j1j2', choices: ['j1j2', 'tj'] },
        j2: { type: 'string', description: 'next-nearest coupling' },
        marshall: { type: 'boolean', description: 'use the Marshall sign' },
      },
    });

  it('passes given values and fills in defaults', async () => {
    const exp = withOptions();
    const { code } = await run(['vmc-like', '--j2', '0.5', '--marshall'], [exp, fakeExperiment('fake-a')]);
    expect(code).toBe(0);
    expect(exp.seen[0].options).toEqual({ model: 'j1j2', j2: '0.5', marshall: true });
  });

  it('rejects an option of another experiment and a value outside the choices', async () => {
    const a = await run(['fake-a', '--model', 'tj'], [withOptions(), fakeExperiment('fake-a')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('fake-a has no option --model');
    const b = await run(['vmc-like', '--model', 'hubbard'], [withOptions()]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--model must be one of j1j2, tj, got "hubbard"');
  });

  it('refuses two experiments that give one flag two types', () => {
    const other = fakeExperiment('other', { options: { model: { type: 'boolean', description: 'x' } } });
    expect(() => createRegistry([withOptions(), other])).toThrow(/--model is a string in one experiment and a boolean in other/);
  });

  it('lists options under their experiment', async () => {
    const { stdout } = await run(['list'], [withOptions()]);
    expect(stdout).toContain('--model j1j2|tj  which Hamiltonian (default j1j2)');
    expect(stdout).toContain('--marshall  use the Marshall sign');
  });
});
