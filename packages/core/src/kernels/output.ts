/**
 * Output arrays for kernels that overwrite every element (the native ones):
 * not zero-filled, and recycled once tfjs disposes the tensor that held them.
 *
 * Why: a CIFAR-sized training step makes ~60 MB of fresh outputs. V8 frees
 * an ArrayBuffer only at a garbage collection and counts every one as
 * external memory, so that volume alone forced several full collections per
 * step, and each fresh buffer's pages had to be faulted in (15-30 us per
 * 4 KB page on the benchmark machine, several ms per activation); PyTorch
 * reuses a freed tensor's memory at once. Here a disposed output goes back
 * to a pool by length and the next output of that length reuses it.
 *
 * Safety: an array is recycled only when nothing else can still see it. It
 * must have been made here, held by exactly one tfjs data id, and never
 * handed out: the backend's `readSync`/`read` (dataSync, data, print, moving
 * to another backend) mark it as escaped for good, as does writing it, or a
 * view of its buffer, into a second data id (stock kernels such as Slice
 * return subarray views of their input). Escaped arrays are left to the
 * garbage collector as before. `PROJ_RECYCLE_OUTPUTS=0` turns recycling off.
 */
import type { DataId, DataType } from '@tensorflow/tfjs-core';

/** The backend methods that create, expose and free a tensor's array (tfjs-backend-cpu's MathBackendCPU). */
export interface RecyclingBackend {
  data: { get(dataId: DataId): { values?: unknown }; has(dataId: DataId): boolean };
  write(values: unknown, shape: number[], dtype: DataType): DataId;
  move(dataId: DataId, values: unknown, shape: number[], dtype: DataType, refCount: number): void;
  readSync(dataId: DataId): unknown;
  read(dataId: DataId): Promise<unknown>;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

interface Tracked {
  array: Float32Array;
  /** The data id holding `array`, once written. */
  owner: DataId | null;
  escaped: boolean;
}

interface NodeBuffer {
  allocUnsafeSlow(size: number): { buffer: ArrayBuffer; byteOffset: number };
}

const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Below this many floats the fill costs less than the bookkeeping. */
const POOLED_MIN = 1024;
/** Bytes the pool may hold; arrays freed beyond it are left to the garbage collector. */
const POOL_MAX_BYTES = 256 << 20;

const tracked = new WeakMap<ArrayBufferLike, Tracked>();
const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
const hooked = new WeakSet<object>();

// Read once: process.env lookups cost about a microsecond each.
let recycling = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PROJ_RECYCLE_OUTPUTS !== '0';

function escape(values: unknown): void {
  if (!ArrayBuffer.isView(values)) return;
  const t = tracked.get(values.buffer);
  if (t) t.escaped = true;
}

/** Wraps the backend's methods once so that pooled arrays are tracked from write to dispose. */
function hook(backend: RecyclingBackend): void {
  if (hooked.has(backend)) return;
  hooked.add(backend);
  const { write, move, readSync, read, disposeData } = backend;
  backend.write = function (values, shape, dtype) {
    const dataId = write.call(this, values, shape, dtype);
    if (ArrayBuffer.isView(values)) {
      const t = tracked.get(values.buffer);
      if (t) {
        if (t.owner === null && values === t.array) t.owner = dataId;
        else t.escaped = true;
      }
    }
    return dataId;
  };
  backend.move = function (dataId, values, shape, dtype, refCount) {
    escape(values);
    move.call(this, dataId, values, shape, dtype, refCount);
  };
  // data.get of an id the backend does not hold would move it here from another backend: ask has() first.
  const valuesOf = (b: RecyclingBackend, dataId: DataId): unknown => (b.data.has(dataId) ? b.data.get(dataId).values : undefined);
  backend.readSync = function (dataId) {
    escape(valuesOf(this, dataId));
    return readSync.call(this, dataId);
  };
  backend.read = function (dataId) {
    escape(valuesOf(this, dataId));
    return read.call(this, dataId);
  };
  backend.disposeData = function (dataId, force) {
    const values = valuesOf(this, dataId);
    const done = disposeData.call(this, dataId, force);
    if (ArrayBuffer.isView(values) && !this.data.has(dataId)) recycle(values.buffer, dataId);
    return done;
  };
}

function recycle(buffer: ArrayBufferLike, dataId: DataId): void {
  const t = tracked.get(buffer);
  if (!t || t.escaped || t.owner !== dataId) return;
  t.owner = null;
  const bytes = t.array.byteLength;
  if (pooledBytes + bytes > POOL_MAX_BYTES) {
    tracked.delete(buffer);
    return;
  }
  let list = pool.get(t.array.length);
  if (!list) pool.set(t.array.length, (list = []));
  list.push(t.array);
  pooledBytes += bytes;
}

function fresh(length: number): Float32Array {
  if (!nodeBuffer) return new Float32Array(length);
  const bytes = nodeBuffer.allocUnsafeSlow(length * Float32Array.BYTES_PER_ELEMENT);
  return new Float32Array(bytes.buffer, bytes.byteOffset, length);
}

/**
 * A Float32Array of `length` elements with unspecified contents, for an
 * output of `backend` that the caller overwrites completely and passes to
 * `backend.makeTensorInfo` before anything else sees it. Without a backend
 * the array is only unfilled, never recycled.
 */
export function overwrittenOutput(backend: RecyclingBackend | undefined, length: number): Float32Array {
  if (length < POOLED_MIN) return new Float32Array(length);
  if (!backend || !recycling) return fresh(length);
  hook(backend);
  const reused = pool.get(length)?.pop();
  if (reused) {
    pooledBytes -= reused.byteLength;
    return reused;
  }
  const array = fresh(length);
  tracked.set(array.buffer, { array, owner: null, escaped: false });
  return array;
}

/** Turns recycling on or off (initially off when PROJ_RECYCLE_OUTPUTS=0); returns the previous setting. */
export function recycleOutputs(on: boolean): boolean {
  const was = recycling;
  recycling = on;
  return was;
}

/** Drops every pooled array (for the garbage collector to free), e.g. when our kernels are unregistered. */
export function releaseOutputPool(): void {
  for (const list of pool.values()) for (const a of list) tracked.delete(a.buffer);
  pool.clear();
  pooledBytes = 0;
}

/** Bytes and arrays currently pooled (for tests). */
export function outputPoolStats(): { bytes: number; arrays: number } {
  let arrays = 0;
  for (const list of pool.values()) arrays += list.length;
  return { bytes: pooledBytes, arrays };
}
