import { spawn } from 'node:child_process';

/**
 * Runs a benchmark process whose last stdout line is one JSON object, passing
 * its stderr through. Resolves `{ json }`, or `{ error }` with the exit code
 * and the last lines of stderr: one failed side must not abort a comparison.
 */
export function spawnJsonLine(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      errTail = (errTail + d).slice(-2000);
    });
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolve({ json: JSON.parse(out.trim().split('\n').pop() ?? '') });
      } catch (e) {
        resolve({ error: `${e.message}: ${errTail.trim().split('\n').slice(-3).join(' | ')}` });
      }
    });
  });
}
