import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerFastKernels, unregisterFastKernels, useNative } from './kernels/index.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** The tfjs backend in use. */
  name: BackendName;
  /** Why this backend was chosen, in words a user can act on. */
  reason: string;
  /** Kernels served by @proj/core instead of the backend's stock ones. */
  kernels: string[];
  /** Whether those kernels run on the native provider (oneDNN + OpenBLAS), and what it loaded or why not. */
  native: { active: boolean; reason: string };
}

export interface InitBackendOptions {
  /** Force a backend; defaults to `PROJ_BACKEND` from the environment, else automatic. */
  backend?: BackendName;
  /** Register @proj/core's kernels on the cpu backend; defaults to true unless `PROJ_FAST_KERNELS=0`. */
  fastKernels?: boolean;
  /** Let those kernels use `@proj/core-native` when it is installed; defaults to true unless `PROJ_NATIVE=0`. */
  native?: boolean;
}

let current: BackendInfo | null = null;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

async function loadTensorflow(): Promise<void> {
  // tfjs-node registers the 'tensorflow' backend on import; it is an optional
  // dependency whose installer needs network access, so it is often absent.
  // The name is a variable so that bundlers leave the import to run time.
  const tfjsNode = '@tensorflow/tfjs-node';
  await import(tfjsNode);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialize');
}

async function loadWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialize');
}

async function loadCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialize');
  // The cpu backend's first write prints advice to install tfjs-node; the choice
  // and its reason are reported by initBackend instead.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}

const loaders: Record<BackendName, () => Promise<void>> = {
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  cpu: loadCpu,
};

function parseForced(value: string | undefined, source: string): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(value)) {
    throw new Error(`${source}=${value} is not a backend; use one of ${BACKEND_NAMES.join(', ')}`);
  }
  return value as BackendName;
}

/**
 * Chooses and activates the tfjs backend: `tensorflow` (tfjs-node) where it is
 * installed, else `cpu` with @proj/core's fast kernels. `wasm` is never chosen
 * automatically because it has no Conv2DBackpropFilter kernel, so it cannot
 * train convolutional models; force it with `PROJ_BACKEND=wasm` for inference.
 * A forced backend that cannot load is an error, never a silent fallback.
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const forced =
    opts.backend !== undefined
      ? parseForced(opts.backend, 'initBackend backend')
      : parseForced(process.env.PROJ_BACKEND, 'PROJ_BACKEND');
  const fastKernels = opts.fastKernels ?? process.env.PROJ_FAST_KERNELS !== '0';

  let name: BackendName;
  let reason: string;
  if (forced) {
    try {
      await loaders[forced]();
    } catch (e) {
      throw new Error(`backend '${forced}' was forced but cannot load: ${errorText(e)}`, { cause: e });
    }
    name = forced;
    reason = opts.backend ? `forced by initBackend({ backend: '${forced}' })` : `forced by PROJ_BACKEND=${forced}`;
  } else {
    try {
      await loadTensorflow();
      name = 'tensorflow';
      reason = 'tfjs-node (native libtensorflow) is installed';
    } catch (e) {
      await loadCpu();
      name = 'cpu';
      reason = `tfjs-node unavailable (${errorText(e)}); cpu is the local backend that can train every model`;
    }
  }

  const fastOnCpu = name === 'cpu' && fastKernels;
  const wantNative = fastOnCpu && (opts.native ?? process.env.PROJ_NATIVE !== '0');
  const status = useNative(wantNative);
  const native = wantNative
    ? { active: status.available, reason: status.reason }
    : { active: false, reason: fastOnCpu ? 'turned off (PROJ_NATIVE=0 or native: false)' : `not used on the ${name} backend` };
  const kernels = fastOnCpu ? registerFastKernels('cpu') : [];
  if (name === 'cpu' && !fastKernels) {
    unregisterFastKernels('cpu');
    reason += ', stock kernels only';
  } else if (fastOnCpu) {
    const provider = native.active ? 'native' : `JS; native: ${native.reason}`;
    reason += `, with ${kernels.length} @proj/core kernels (${provider})`;
  }
  current = { name, reason, kernels, native };
  return current;
}

/** The backend chosen by the last `initBackend` call, or null before any. */
export function backendInfo(): BackendInfo | null {
  return current;
}
