/**
 * Bytes of FedSpa's messages. Only active weights travel, as float32 values
 * in parameter order; a message whose mask the receiver does not know yet
 * also carries the mask as a bitmap (1 bit per parameter), which for the
 * densities used here is smaller than a 32-bit index per active weight.
 */

/** Bytes of the active values: 4 per active weight. */
export function sparseValueBytes(active: number): number {
  if (!Number.isInteger(active) || active < 0) throw new Error(`sparseValueBytes: active must be an integer >= 0, got ${active}`);
  return 4 * active;
}

/** Bytes of a mask over `size` parameters: the cheaper of a bitmap (ceil(size / 8)) and 4-byte indices of the active ones. */
export function maskBytes(size: number, active: number): number {
  if (!Number.isInteger(size) || size < 0) throw new Error(`maskBytes: size must be an integer >= 0, got ${size}`);
  if (!Number.isInteger(active) || active < 0 || active > size) throw new Error(`maskBytes: active must be an integer in [0, ${size}], got ${active}`);
  return Math.min(Math.ceil(size / 8), 4 * active);
}

/** A sparse message: its values, plus its mask when `withMask`. */
export function sparseMessageBytes(size: number, active: number, withMask: boolean): number {
  return sparseValueBytes(active) + (withMask ? maskBytes(size, active) : 0);
}
