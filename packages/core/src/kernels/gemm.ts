/**
 * Single-threaded SGEMM on Float32Array: C += op(A) · op(B), row-major.
 *
 * Structure after Goto & van de Geijn, "Anatomy of High-Performance Matrix
 * Multiplication" (ACM TOMS 2008): the K dimension is cut into KC-deep slabs,
 * each slab of op(B) is copied ("packed") into NR-wide column panels and each
 * MC-row block of op(A) into MR-tall row panels, so that a register-blocked
 * micro-kernel streams both operands with unit stride whatever the transposes.
 *
 * The micro-kernel's accumulators are JavaScript locals, i.e. scalar doubles
 * in V8's sixteen SSE registers (V8 does not vectorize). Measured on Node 20,
 * x86-64: a 3x4 tile (12 accumulators + 7 operands) ran at ~5.5 GFLOP/s,
 * 8% above 4x4 (which spills) and 20% above 2x4 (more loads per flop); 4x8,
 * 8x4 and 2-way k-unrolling were slower still. The cache block sizes below
 * changed throughput by less than run-to-run noise (about 10%).
 */

/** Rows of op(A) per micro-tile. */
const MR = 3;
/** Columns of op(B) per micro-tile. */
const NR = 4;
/** Depth of a packed slab: one MR x KC and one KC x NR panel fit in L1 together. */
const KC = 256;
/** Rows of op(A) packed at once (a multiple of MR): an MC x KC block (126 KiB) stays in L2. */
const MC = 126;
/** Columns of op(B) packed at once: a KC x NC slab (1 MiB) for L2/L3. */
const NC = 1024;

/** A row-major matrix inside a Float32Array; `transposed` means use its transpose. */
export interface MatrixRef {
  data: Float32Array;
  /** Index of element (0, 0) in `data`. */
  offset: number;
  /** Distance in `data` between consecutive rows of the stored matrix. */
  stride: number;
  transposed: boolean;
}

// Packing scratch, reused across calls (kernels run synchronously, one at a
// time) so that a conv's many block products allocate nothing.
let packedA = new Float32Array(MC * KC);
let packedB = new Float32Array(KC * NC);
const edgeTile = new Float32Array(MR * NR);

/**
 * C[m x n] += op(A)[m x k] · op(B)[k x n]. `c.transposed` must be false and
 * C must not overlap A or B. Accumulates, so callers pass a zeroed C for a
 * plain product.
 */
export function sgemm(m: number, n: number, k: number, a: MatrixRef, b: MatrixRef, c: MatrixRef): void {
  if (c.transposed) throw new Error('sgemm: the output matrix c cannot be transposed');
  if (m <= 0 || n <= 0 || k <= 0) return;
  checkFits('a', a, m, k);
  checkFits('b', b, k, n);
  checkFits('c', c, m, n);
  const needB = Math.min(KC, k) * roundUp(Math.min(NC, n), NR);
  if (packedB.length < needB) packedB = new Float32Array(needB);
  const needA = roundUp(Math.min(MC, m), MR) * Math.min(KC, k);
  if (packedA.length < needA) packedA = new Float32Array(needA);

  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packB(b, p0, kc, j0, nc, packedB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packA(a, i0, mc, p0, kc, packedA);
        multiplyBlock(mc, nc, kc, c, i0, j0);
      }
    }
  }
}

/** Throws unless op(ref) of `rows` x `cols` lies inside ref.data (out-of-range reads would give NaN). */
function checkFits(name: string, ref: MatrixRef, rows: number, cols: number): void {
  const [storedRows, storedCols] = ref.transposed ? [cols, rows] : [rows, cols];
  const end = ref.offset + (storedRows - 1) * ref.stride + storedCols;
  if (ref.offset < 0 || ref.stride < storedCols || end > ref.data.length) {
    throw new Error(
      `sgemm: ${name} must hold a ${storedRows}x${storedCols} matrix at offset ${ref.offset} with row stride >= ${storedCols}; ` +
        `got stride ${ref.stride} and ${ref.data.length} elements (need ${end})`,
    );
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** All micro-tiles of one packed MC x KC block times one packed KC x NC slab. */
function multiplyBlock(mc: number, nc: number, kc: number, c: MatrixRef, i0: number, j0: number): void {
  const cData = c.data;
  const ldc = c.stride;
  for (let j = 0; j < nc; j += NR) {
    const bIndex = j * kc;
    const cols = Math.min(NR, nc - j);
    for (let i = 0; i < mc; i += MR) {
      const aIndex = i * kc;
      const rows = Math.min(MR, mc - i);
      const cIndex = c.offset + (i0 + i) * ldc + j0 + j;
      if (rows === MR && cols === NR) {
        microKernel(kc, packedA, aIndex, packedB, bIndex, cData, cIndex, ldc);
      } else {
        // Packed panels are zero-padded, so compute a full tile and keep its valid part.
        edgeTile.fill(0);
        microKernel(kc, packedA, aIndex, packedB, bIndex, edgeTile, 0, NR);
        for (let r = 0; r < rows; r++) {
          for (let s = 0; s < cols; s++) cData[cIndex + r * ldc + s] += edgeTile[r * NR + s];
        }
      }
    }
  }
}

/** C[3 x 4] += Ap (kc x 3 panel, row-interleaved) · Bp (kc x 4 panel). */
function microKernel(
  kc: number,
  ap: Float32Array,
  ai: number,
  bp: Float32Array,
  bi: number,
  c: Float32Array,
  ci: number,
  ldc: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
    const a0 = ap[ai];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    const a1 = ap[ai + 1];
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    const a2 = ap[ai + 2];
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    ai += 3;
    bi += 4;
  }
  c[ci] += c00; c[ci + 1] += c01; c[ci + 2] += c02; c[ci + 3] += c03;
  ci += ldc;
  c[ci] += c10; c[ci + 1] += c11; c[ci + 2] += c12; c[ci + 3] += c13;
  ci += ldc;
  c[ci] += c20; c[ci + 1] += c21; c[ci + 2] += c22; c[ci + 3] += c23;
}

/**
 * Copies op(A)[i0 : i0+mc, p0 : p0+kc] into MR-row panels: panel r holds, for
 * each p, the MR values op(A)[i0 + r*MR + 0..MR-1, p0 + p]; rows past mc are 0.
 */
function packA(a: MatrixRef, i0: number, mc: number, p0: number, kc: number, out: Float32Array): void {
  const src = a.data;
  const ld = a.stride;
  for (let i = 0; i < mc; i += MR) {
    const rows = Math.min(MR, mc - i);
    const panel = i * kc;
    if (a.transposed) {
      // op(A)[row, p] = A[p, row]: the MR values of one p are adjacent in memory.
      let s = a.offset + p0 * ld + i0 + i;
      let w = panel;
      for (let p = 0; p < kc; p++, s += ld, w += MR) {
        for (let r = 0; r < MR; r++) out[w + r] = r < rows ? src[s + r] : 0;
      }
    } else {
      for (let r = 0; r < MR; r++) {
        let w = panel + r;
        if (r >= rows) {
          for (let p = 0; p < kc; p++, w += MR) out[w] = 0;
          continue;
        }
        let s = a.offset + (i0 + i + r) * ld + p0;
        for (let p = 0; p < kc; p++, w += MR) out[w] = src[s++];
      }
    }
  }
}

/**
 * Copies op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column panels: panel j holds,
 * for each p, the NR values op(B)[p0 + p, j0 + j*NR + 0..NR-1]; columns past nc are 0.
 */
function packB(b: MatrixRef, p0: number, kc: number, j0: number, nc: number, out: Float32Array): void {
  const src = b.data;
  const ld = b.stride;
  for (let j = 0; j < nc; j += NR) {
    const cols = Math.min(NR, nc - j);
    const panel = j * kc;
    if (b.transposed) {
      // op(B)[p, col] = B[col, p]: walk each stored row contiguously.
      for (let s = 0; s < NR; s++) {
        let w = panel + s;
        if (s >= cols) {
          for (let p = 0; p < kc; p++, w += NR) out[w] = 0;
          continue;
        }
        let r = b.offset + (j0 + j + s) * ld + p0;
        for (let p = 0; p < kc; p++, w += NR) out[w] = src[r++];
      }
    } else {
      let r = b.offset + p0 * ld + j0 + j;
      let w = panel;
      for (let p = 0; p < kc; p++, r += ld, w += NR) {
        for (let s = 0; s < NR; s++) out[w + s] = s < cols ? src[r + s] : 0;
      }
    }
  }
}
