#!/usr/bin/env node
/* global require, __dirname, process, console */
/* eslint-disable @typescript-eslint/no-require-imports */
// Builds build/Release/proj_native.node with node-gyp.
//
// The addon is optional: when oneDNN / OpenBLAS (or a C++ toolchain) are
// missing, or the compile fails, this prints one warning line and exits 0 so
// that the monorepo build still passes and @proj/core falls back to its JS
// kernels. Set PROJ_NATIVE_STRICT=1 to make such a failure exit 1 instead,
// PROJ_NATIVE=0 to skip the build, PROJ_NATIVE_BUILD_VERBOSE=1 to see the
// compiler output.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgDir = __dirname;
const binary = path.join(pkgDir, 'build', 'Release', 'proj_native.node');
const INSTALL_HINT = 'apt-get install -y libdnnl-dev libopenblas-dev';

const includeRoots = ['/usr/include', '/usr/local/include'];
const multiarch = ['x86_64-linux-gnu', 'aarch64-linux-gnu', 'powerpc64le-linux-gnu', 's390x-linux-gnu'];
const libDirs = ['/usr/lib', '/usr/local/lib', '/usr/lib64', ...multiarch.map((m) => `/usr/lib/${m}`)];

function exists(p) {
  try {
    fs.accessSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Include directories holding OpenBLAS's cblas.h (Debian keeps one per threading variant). */
function openblasIncludeDirs() {
  const out = [];
  for (const root of includeRoots) {
    for (const m of multiarch) {
      for (const variant of ['openblas-pthread', 'openblas-openmp', 'openblas-serial']) {
        const d = path.join(root, m, variant);
        if (exists(path.join(d, 'cblas.h'))) out.push(d);
      }
    }
    const d = path.join(root, 'openblas');
    if (exists(path.join(d, 'cblas.h'))) out.push(d);
  }
  return out.slice(0, 1);
}

function findHeader(rel) {
  for (const root of includeRoots) {
    if (exists(path.join(root, rel))) return path.join(root, rel);
    for (const m of multiarch) if (exists(path.join(root, m, rel))) return path.join(root, m, rel);
  }
  return null;
}

function findLib(name) {
  for (const d of libDirs) if (exists(path.join(d, `lib${name}.so`))) return path.join(d, `lib${name}.so`);
  return null;
}

function which(cmd) {
  for (const d of (process.env.PATH || '').split(path.delimiter)) {
    if (d && exists(path.join(d, cmd))) return path.join(d, cmd);
  }
  return null;
}

function findNodeGyp() {
  const candidates = [];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js', { paths: [pkgDir] }));
  } catch {
    /* not installed as a package */
  }
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const npm = which('npm');
  if (npm) {
    const real = fs.realpathSync(npm);
    candidates.push(path.join(path.dirname(real), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  return candidates.find((c) => c && exists(c)) || null;
}

/** Node headers: npm's nodedir config, else the prefix of this node if it ships include/node. */
function findNodeDir() {
  const fromNpm = process.env.npm_config_nodedir;
  if (fromNpm && exists(path.join(fromNpm, 'include', 'node', 'node_api.h'))) return fromNpm;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (exists(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  return null;
}

function newestMtime(paths) {
  let t = 0;
  for (const p of paths) {
    const st = fs.statSync(p);
    if (st.isDirectory()) t = Math.max(t, newestMtime(fs.readdirSync(p).map((f) => path.join(p, f))));
    else t = Math.max(t, st.mtimeMs);
  }
  return t;
}

/** Loads the binary in a child process (a bad link must not crash this one). */
function probe() {
  const code =
    "const n=require(process.argv[1]);const i=n.info();" +
    "process.stdout.write(`oneDNN ${i.onednn} (${i.onednnRuntime}, ${i.onednnIsa}), ${i.openblas.split(' ').slice(0,2).join(' ')} core ${i.openblasCore}, ${i.threads} threads, gemm ${i.gemm}`)";
  const r = spawnSync(process.execPath, ['-e', code, binary], { encoding: 'utf8' });
  if (r.status === 0) return { ok: true, text: r.stdout.trim() };
  const err = (r.stderr || '').trim().split('\n').find((l) => /Error|error/.test(l)) || `exit ${r.status}`;
  return { ok: false, text: err };
}

let extraPackages = '';

function giveUp(reason, log) {
  try {
    fs.rmSync(binary, { force: true });
  } catch {
    /* nothing to remove */
  }
  if (log && process.env.PROJ_NATIVE_BUILD_VERBOSE === '1') process.stderr.write(log + '\n');
  else if (log) {
    const tail = log.trim().split('\n').filter((l) => /error|Error/.test(l)).slice(0, 5);
    if (tail.length) process.stderr.write(tail.map((l) => `  ${l}`).join('\n') + '\n');
  }
  console.warn(
    `[@proj/core-native] WARNING: native kernels not built (${reason}); @proj/core will use its JS kernels. ` +
      `To enable: ${INSTALL_HINT}${extraPackages} && npm run build -w @proj/core-native`,
  );
  process.exit(process.env.PROJ_NATIVE_STRICT === '1' ? 1 : 0);
}

/**
 * Serialises builds: `turbo run build` from several shells may start this
 * script at the same time, and two node-gyp runs in one build/ clash.
 */
function withLock(fn) {
  const lock = path.join(pkgDir, '.build.lock');
  const deadline = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > 10 * 60 * 1000 || Date.now() > deadline) {
        fs.rmSync(lock, { recursive: true, force: true }); // stale: its owner died
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  const release = () => fs.rmSync(lock, { recursive: true, force: true });
  process.on('exit', release);
  try {
    fn();
  } finally {
    release();
  }
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--print-include-dirs')) {
    process.stdout.write(openblasIncludeDirs().join(' '));
    return;
  }
  if (process.env.PROJ_NATIVE === '0') {
    console.log('[@proj/core-native] PROJ_NATIVE=0: native build skipped');
    return;
  }
  if (process.platform !== 'linux') giveUp(`unsupported platform ${process.platform}`);

  const missing = [];
  if (!findHeader('oneapi/dnnl/dnnl.hpp') || !findLib('dnnl')) missing.push('oneDNN (libdnnl-dev)');
  if (!findHeader('cblas.h') || !findLib('openblas')) missing.push('OpenBLAS (libopenblas-dev)');
  if (!which('c++') && !which('g++')) missing.push('a C++ compiler (g++)');
  if (!which('make')) missing.push('make');
  if (!which('python3')) missing.push('python3');
  const tools = [['g++', !which('c++') && !which('g++')], ['make', !which('make')], ['python3', !which('python3')]];
  extraPackages = tools.filter(([, miss]) => miss).map(([name]) => ` ${name}`).join('');
  if (missing.length) giveUp(`missing ${missing.join(', ')}`);

  withLock(() => build(args.includes('--force')));
}

function build(force) {
  const sources = ['src', 'binding.gyp', 'build.js'].map((p) => path.join(pkgDir, p));
  const upToDate = () => exists(binary) && fs.statSync(binary).mtimeMs > newestMtime(sources);
  if (!force && upToDate()) {
    const p = probe();
    if (p.ok) {
      console.log(`[@proj/core-native] up to date: ${p.text}`);
      return;
    }
  }

  const nodeGyp = findNodeGyp();
  if (!nodeGyp) giveUp('node-gyp not found (it ships with npm)');
  const nodeDir = findNodeDir();
  const common = ['--release', ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])];
  // configure + build (not rebuild): make recompiles only what changed and the
  // previous binary stays in place until the new one is linked.
  const steps = [
    [nodeGyp, 'configure', ...common],
    [nodeGyp, 'build', ...common, `--jobs=${Math.max(1, require('node:os').availableParallelism())}`],
  ];
  if (force) steps.unshift([nodeGyp, 'clean']);
  const t0 = Date.now();
  let log = '';
  for (const step of steps) {
    const r = spawnSync(process.execPath, step, {
      cwd: pkgDir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'error' },
      maxBuffer: 64 * 1024 * 1024,
    });
    log += `${r.stdout || ''}\n${r.stderr || ''}`;
    if (r.error) giveUp(`node-gyp could not run: ${r.error.message}`);
    if (r.status !== 0) giveUp(`node-gyp ${step[1]} failed, exit ${r.status}`, log);
  }
  // make may leave the binary's mtime untouched when nothing changed.
  if (exists(binary) && !upToDate()) {
    const now = new Date();
    fs.utimesSync(binary, now, now);
  }
  if (process.env.PROJ_NATIVE_BUILD_VERBOSE === '1') process.stdout.write(log);
  const p = probe();
  if (!p.ok) giveUp(`built binary does not load: ${p.text}`);
  console.log(`[@proj/core-native] built in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${p.text}`);
}

main();
