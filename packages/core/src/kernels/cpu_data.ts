/**
 * The slice of a tfjs CPU-style backend our kernels use: tensors live in
 * `backend.data` as typed arrays and outputs are made with `makeTensorInfo`.
 * Typed structurally so the kernels also serve backends that copy the cpu
 * backend's storage (tfjs-backend-cpu's own kernels rely on the same two members).
 */
import type { DataType, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { RecyclingBackend } from './output.js';

/** Plus the methods through which output arrays are recycled (see output.ts). */
export interface CpuLikeBackend extends RecyclingBackend {
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array): TensorInfo;
}

/**
 * The tensor's values if it is float32 and stored as a Float32Array, else null.
 * Callers delegate to the stock kernel on null: int32 or complex tensors, and
 * the rare float32 tensor held in another array type, keep stock semantics.
 */
export function float32Values(backend: CpuLikeBackend, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/**
 * A unary kernel: runs `compute` on a float32 input's values (with the
 * kernel's attrs and the backend, for recyclable outputs) and wraps the
 * result in the input's shape; other inputs go to `stock`.
 */
export function float32UnaryKernel(
  stock: KernelFunc,
  compute: (x: Float32Array, attrs: unknown, backend: CpuLikeBackend) => Float32Array,
): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const values = float32Values(backend, x);
    if (!values) return stock(args);
    return backend.makeTensorInfo(x.shape, 'float32', compute(values, args.attrs, backend));
  };
}

/**
 * A unary kernel that moves values to a new shape (Transpose, Tile): `layout`
 * gives the output shape for the input's shape and the kernel's attrs (null
 * to leave the call to `stock`), `compute` the output values.
 */
export function float32LayoutKernel<Attrs>(
  stock: KernelFunc,
  layout: (shape: number[], attrs: Attrs) => number[] | null,
  compute: (x: Float32Array, shape: number[], attrs: Attrs) => Float32Array,
): KernelFunc {
  return (args) => {
    const backend = args.backend as CpuLikeBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const attrs = args.attrs as unknown as Attrs;
    const values = float32Values(backend, x);
    const shape = values ? layout(x.shape, attrs) : null;
    if (!values || !shape) return stock(args);
    return backend.makeTensorInfo(shape, 'float32', compute(values, x.shape, attrs));
  };
}
