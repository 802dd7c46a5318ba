/**
 * The optional native provider (`@proj/core-native`: oneDNN convolutions and
 * pooling, OpenBLAS GEMM). It is loaded once, on first use; when it is absent,
 * fails to load or is disabled (`PROJ_NATIVE=0`) the JS kernels serve instead.
 * The compute functions ask `activeNative()` on every call, so switching it
 * off (`useNative(false)`) takes effect at once.
 */
import type { NativeKernels } from '@proj/core-native';
import { moduleRequire } from '../module_require.js';

export interface NativeStatus {
  available: boolean;
  /** What was loaded (libraries, ISA, threads), or why it is not available. */
  reason: string;
}

let loaded: { status: NativeStatus; native: NativeKernels | null } | null = null;
let active: NativeKernels | null = null;

function load(): { status: NativeStatus; native: NativeKernels | null } {
  if (loaded) return loaded;
  // A variable name keeps bundlers from resolving the optional package at build time.
  const name = '@proj/core-native';
  try {
    const mod = moduleRequire()(name) as { available: boolean; reason: string; native: NativeKernels | null };
    loaded = { status: { available: mod.available, reason: mod.reason }, native: mod.native };
  } catch (e) {
    const why = (e as { code?: string }).code === 'MODULE_NOT_FOUND' ? 'not installed' : String((e as Error).message);
    loaded = { status: { available: false, reason: `@proj/core-native ${why}` }, native: null };
  }
  return loaded;
}

/** Turns native kernels on (when they load) or off; returns whether they are on and why. */
export function useNative(on: boolean): NativeStatus {
  if (!on) {
    active = null;
    return { available: false, reason: 'native kernels turned off' };
  }
  const { status, native } = load();
  active = native;
  return status;
}

/** The native kernels in use, or null when the JS kernels serve. */
export function activeNative(): NativeKernels | null {
  return active;
}

/**
 * Element-wise kernels and sums hand arrays of at least this many floats to
 * the native provider; below it the JS loop beats the call and thread wake-up.
 */
export const NATIVE_ELEMENTWISE_MIN = 1 << 13;

type Shape4 = [number, number, number, number];

/** The arguments oneDNN needs for the conv or pool that tfjs's `info` describes. */
export interface NativeGeometry {
  xShape: Shape4;
  wShape: Shape4;
  yShape: Shape4;
  window: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pads: [number, number, number, number];
}

/**
 * The oneDNN arguments for `info`, or null when oneDNN cannot express it.
 * oneDNN derives the output size from the pads, tfjs sets it directly (its
 * 'ceil' rounding, and numeric pads, whose output size tfjs computes from the
 * filter height and stride height for both axes). The bottom/right pads are
 * re-derived so oneDNN yields tfjs's output size: extra pad only adds zeros,
 * which is what the stock kernels read outside the input. An output that
 * would need a negative pad goes to the JS kernels.
 */
export function nativeGeometry(info: {
  inShape: number[];
  outShape: number[];
  filterHeight: number;
  filterWidth: number;
  inChannels: number;
  outChannels: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padInfo: { top: number; left: number; bottom: number; right: number };
}): NativeGeometry | null {
  const { top, left } = info.padInfo;
  const padAfter = (size: number, out: number, stride: number, filter: number, dilation: number, before: number) =>
    (out - 1) * stride + (filter - 1) * dilation + 1 - size - before;
  const bottom = padAfter(info.inShape[1], info.outShape[1], info.strideHeight, info.filterHeight, info.dilationHeight, top);
  const right = padAfter(info.inShape[2], info.outShape[2], info.strideWidth, info.filterWidth, info.dilationWidth, left);
  if (bottom < 0 || right < 0) return null;
  return {
    xShape: info.inShape as Shape4,
    wShape: [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
    yShape: info.outShape as Shape4,
    window: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    dilations: [info.dilationHeight, info.dilationWidth],
    pads: [top, left, bottom, right],
  };
}
