/**
 * Compressed sparse row matrices and the product x W with a sparse W: the
 * inference path that makes a pruned dense layer actually cheaper, where the
 * masked dense product costs the same at every density.
 */

/** A rows x cols matrix in CSR: row r's entries are `values[rowPtr[r] .. rowPtr[r+1])` at columns `colIdx[...]`. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
}

/** CSR of a row-major dense matrix, keeping entries that are not 0. */
export function csrFromDense(data: Float32Array, rows: number, cols: number): CsrMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || data.length !== rows * cols) {
    throw new Error(`csrFromDense: ${data.length} values do not fill a ${rows} x ${cols} matrix`);
  }
  let nnz = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) nnz++;
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0, i = r * cols; c < cols; c++, i++) {
      if (data[i] !== 0) {
        colIdx[k] = c;
        values[k++] = data[i];
      }
    }
    rowPtr[r + 1] = k;
  }
  return { rows, cols, rowPtr, colIdx, values };
}

/**
 * y = x W for x [batch, W.rows] row-major and sparse W [rows, cols]; returns
 * y [batch, cols]. Each input x[b, r] scatters into row b of y along W's row r,
 * so inputs that are 0 (after a ReLU, about half of them) cost nothing and the
 * work is batch * nnz(W) multiply-adds at most.
 */
export function csrMatMul(x: Float32Array, batch: number, w: CsrMatrix, out = new Float32Array(batch * w.cols)): Float32Array {
  if (x.length !== batch * w.rows) throw new Error(`csrMatMul: x has ${x.length} values, expected batch ${batch} x ${w.rows}`);
  if (out.length !== batch * w.cols) throw new Error(`csrMatMul: out has ${out.length} values, expected ${batch} x ${w.cols}`);
  out.fill(0);
  const { rowPtr, colIdx, values, rows, cols } = w;
  for (let b = 0; b < batch; b++) {
    const xo = b * rows;
    const yo = b * cols;
    for (let r = 0; r < rows; r++) {
      const xv = x[xo + r];
      if (xv === 0) continue;
      for (let k = rowPtr[r], end = rowPtr[r + 1]; k < end; k++) out[yo + colIdx[k]] += xv * values[k];
    }
  }
  return out;
}
