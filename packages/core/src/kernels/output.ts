/**
 * Output arrays for kernels that overwrite every element (the native ones).
 * `new Float32Array(n)` zero-fills: for such an output that is a wasted pass
 * over memory, 8 MB per activation of a CIFAR-sized conv layer. Node's
 * `Buffer.allocUnsafeSlow` allocates the same kind of unpooled ArrayBuffer
 * without the fill; elsewhere (browsers) this falls back to zero-filled.
 */

interface NodeBuffer {
  allocUnsafeSlow(size: number): { buffer: ArrayBufferLike; byteOffset: number };
}

const nodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Below this many floats the fill costs less than the extra call. */
const UNFILLED_MIN = 1024;

/** A Float32Array of `length` elements whose contents are unspecified: the caller must write all of them. */
export function overwrittenOutput(length: number): Float32Array {
  if (!nodeBuffer || length < UNFILLED_MIN) return new Float32Array(length);
  const bytes = nodeBuffer.allocUnsafeSlow(length * Float32Array.BYTES_PER_ELEMENT);
  return new Float32Array(bytes.buffer, bytes.byteOffset, length);
}
