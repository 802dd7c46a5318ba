// Our backend configurations, each measured in a fresh child process with its
// environment set the way a user would set it.
import { spawnJsonLine } from './spawn_json.mjs';
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** name -> label and the environment it runs under (null deletes the variable). */
export const CONFIGS = {
  stock: { label: 'cpu stock', env: { PROJ_BACKEND: 'cpu', PROJ_FAST_KERNELS: '0', PROJ_NATIVE: '0' } },
  js: { label: 'cpu + JS kernels', env: { PROJ_BACKEND: 'cpu', PROJ_FAST_KERNELS: '1', PROJ_NATIVE: '0' } },
  native: { label: 'cpu + native', env: { PROJ_BACKEND: 'cpu', PROJ_FAST_KERNELS: '1', PROJ_NATIVE: '1' }, expectNative: true },
  wasm: { label: 'wasm', env: { PROJ_BACKEND: 'wasm', PROJ_FAST_KERNELS: null, PROJ_NATIVE: '0' } },
};

export const CONFIG_NAMES = Object.keys(CONFIGS);

/** Command-line options both bench commands take (node:util parseArgs form). */
export const COMMON_OPTIONS = {
  quick: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  configs: { type: 'string' },
  cases: { type: 'string' },
  threads: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

export function parseConfigs(text, fallback) {
  if (!text) return fallback;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!CONFIGS[n]) throw new Error(`--configs: unknown configuration '${n}'; use some of ${CONFIG_NAMES.join(', ')}`);
  }
  return names;
}

export function assertBuilt() {
  if (!existsSync(DIST)) {
    throw new Error(`${DIST} is missing: build @proj/core first (cd packages/core && npm run build)`);
  }
}

/**
 * Runs configuration `name` in a child process and resolves to its JSON result,
 * or to { config, error } if the child failed. The child's progress lines go
 * to our stderr.
 *
 * @param {string} name
 * @param {{ quick?: boolean, cases?: string[], threads?: number, skipSlow?: boolean, profile?: boolean }} opts
 */
export function runConfig(name, opts = {}) {
  const cfg = CONFIGS[name];
  const env = { ...process.env };
  for (const [k, v] of Object.entries(cfg.env)) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  if (opts.threads) env.PROJ_NATIVE_THREADS = String(opts.threads);
  const childOpts = { quick: !!opts.quick, cases: opts.cases, expectNative: !!cfg.expectNative, skipSlow: !!opts.skipSlow, profile: !!opts.profile };
  return spawnJsonLine(process.execPath, [CHILD, name, JSON.stringify(childOpts)], env).then((r) =>
    r.json
      ? { ...r.json, env: cfg.env, label: cfg.label }
      : { config: name, label: cfg.label, env: cfg.env, error: `child failed (${r.error})`, results: [] },
  );
}
