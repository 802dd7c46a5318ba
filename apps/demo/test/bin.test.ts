import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(appDir, 'dist', 'cli.js');

function proj(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, PROJ_BACKEND: 'cpu' } });
}

beforeAll(() => {
  // `npm test` builds first; a lone `vitest` run of this project builds the CLI itself.
  if (!existsSync(cli)) execFileSync('npm', ['run', 'build'], { cwd: appDir, stdio: 'ignore' });
}, 60_000);

describe('built proj-demo binary', () => {
  it('starts with a node shebang', () => {
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('lists core-mnist', () => {
    const r = proj('list');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^core-mnist\s+@proj\/core\s+\S/m);
  });

  it('exits with code 2 and lists valid names for an unknown experiment', () => {
    const r = proj('no-such-experiment', '--json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown experiment "no-such-experiment"');
    expect(r.stderr).toContain('core-mnist');
  });

  it('exits with code 2 on a bad flag', () => {
    const r = proj('core-mnist', '--epochs', '3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--epochs/);
  });
});
