export { registerFastKernels, unregisterFastKernels } from './register.js';
export { useNative } from './native.js';
export type { NativeStatus } from './native.js';
export { sgemm } from './gemm.js';
export type { MatrixRef } from './gemm.js';
