/* global require, exports, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports */
// Loader of the optional native kernels. Never throws: when the addon was not
// built, cannot load (missing shared libraries) or is disabled with
// PROJ_NATIVE=0, `available` is false, `native` is null and `reason` says why.
'use strict';

const path = require('node:path');
const os = require('node:os');

function load() {
  if (process.env.PROJ_NATIVE === '0') {
    return { available: false, reason: 'disabled by PROJ_NATIVE=0', native: null };
  }
  const file = path.join(__dirname, 'build', 'Release', 'proj_native.node');
  // OpenMP threads that spin while waiting turned a 40 ms CNN step into 215 ms
  // when other processes shared the cores (measured; vitest runs test files in
  // parallel, too). libgomp reads this when the addon loads it, so it must be
  // set before require; a value the user set wins.
  if (process.env.OMP_WAIT_POLICY === undefined) process.env.OMP_WAIT_POLICY = 'PASSIVE';
  let native;
  try {
    native = require(file);
  } catch (err) {
    const msg = err && err.code === 'MODULE_NOT_FOUND'
      ? 'not built: run `npm run build -w @proj/core-native` after `apt-get install -y libdnnl-dev libopenblas-dev`'
      : `failed to load ${file}: ${err && err.message ? err.message.split('\n')[0] : String(err)}`;
    return { available: false, reason: msg, native: null };
  }
  try {
    const fromEnv = Number.parseInt(process.env.PROJ_NATIVE_THREADS || '', 10);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    native.setNumThreads(Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, cores));
    const gemm = process.env.PROJ_NATIVE_GEMM;
    if (gemm === 'onednn' || gemm === 'openblas') native.setGemmBackend(gemm);
    const i = native.info();
    return {
      available: true,
      reason: `oneDNN ${i.onednn} (${i.onednnRuntime}, ${i.onednnIsa}) + ${i.openblas.split(' ').slice(0, 2).join(' ')} (${i.openblasCore}), ${i.threads} threads, gemm ${i.gemm}`,
      native,
    };
  } catch (err) {
    return { available: false, reason: `native self-check failed: ${err && err.message ? err.message : String(err)}`, native: null };
  }
}

// Assigned one by one so that Node's ESM loader sees the named exports.
const loaded = load();
exports.available = loaded.available;
exports.reason = loaded.reason;
exports.native = loaded.native;
