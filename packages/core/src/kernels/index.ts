export { registerFastKernels, unregisterFastKernels } from './register.js';
export { sgemm } from './gemm.js';
export type { MatrixRef } from './gemm.js';
