export { registerFastKernels, unregisterFastKernels } from './register.js';
export { useNative } from './native.js';
export type { NativeStatus } from './native.js';
export { sgemm } from './gemm.js';
export type { MatrixRef } from './gemm.js';
export { csrFromDense, sparseMatMul } from './sparse_matmul.js';
export type { CsrMatrix } from './sparse_matmul.js';
