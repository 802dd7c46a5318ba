/**
 * Sparse-dense matrix products for pruned layers, on Float32Arrays: the
 * compute behind `@proj/sparse`'s `SparseLinear`. Native (threaded,
 * vectorized over the batch) when `@proj/core-native` is active, a JS loop
 * otherwise; both cost one multiply-add per stored weight and batch row.
 */
import { activeNative } from './native.js';

/** A rows x cols matrix in CSR: row r's entries are `values[rowPtr[r] .. rowPtr[r+1])` at columns `colIdx[...]`. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
}

/**
 * CSR of a row-major dense matrix `data` [rows, cols], keeping the entries
 * that are not 0; with `transpose`, the CSR of its transpose [cols, rows].
 */
export function csrFromDense(data: Float32Array, rows: number, cols: number, transpose = false): CsrMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || data.length !== rows * cols) {
    throw new Error(`csrFromDense: ${data.length} values do not fill a ${rows} x ${cols} matrix`);
  }
  const [outRows, outCols] = transpose ? [cols, rows] : [rows, cols];
  const at = transpose ? (r: number, c: number) => data[c * cols + r] : (r: number, c: number) => data[r * cols + c];
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  const rowPtr = new Int32Array(outRows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < outRows; r++) {
    for (let c = 0; c < outCols; c++) {
      const v = at(r, c);
      if (v !== 0) {
        colIdx[k] = c;
        values[k++] = v;
      }
    }
    rowPtr[r + 1] = k;
  }
  return { rows: outRows, cols: outCols, rowPtr, colIdx, values };
}

/**
 * y = x W given W's transpose in CSR: `wT` is
 * [outDim, inDim] and row o lists the inputs that feed output o. x is
 * [batch, inDim] and the result [batch, outDim], both row-major.
 */
export function sparseMatMul(x: Float32Array, batch: number, wT: CsrMatrix, out = new Float32Array(batch * wT.rows)): Float32Array {
  const inDim = wT.cols;
  const outDim = wT.rows;
  if (!Number.isInteger(batch) || batch < 0 || x.length !== batch * inDim) {
    throw new Error(`sparseMatMul: x has ${x.length} values, expected batch ${batch} x ${inDim}`);
  }
  if (out.length !== batch * outDim) throw new Error(`sparseMatMul: out has ${out.length} values, expected ${batch} x ${outDim}`);
  const native = activeNative();
  if (native) {
    native.csrMatMulT(batch, inDim, outDim, wT.rowPtr, wT.colIdx, wT.values, x, out);
    return out;
  }
  const { rowPtr, colIdx, values } = wT;
  for (let b = 0; b < batch; b++) {
    const xo = b * inDim;
    const yo = b * outDim;
    for (let o = 0; o < outDim; o++) {
      let acc = 0;
      for (let k = rowPtr[o], end = rowPtr[o + 1]; k < end; k++) acc += values[k] * x[xo + colIdx[k]];
      out[yo + o] = acc;
    }
  }
  return out;
}
