/**
 * Conjugate gradient (Hestenes & Stiefel 1952) for A x = b with A symmetric
 * positive definite and given only as a product `apply(v, out)`, so SR never
 * forms its P x P matrix.
 */
export interface CgOptions {
  /** Stop when ||r|| <= tol * ||b|| (default 1e-6). */
  tol?: number;
  /** At most this many products (default: the dimension). */
  maxIter?: number;
}

export interface CgResult {
  x: Float64Array;
  iterations: number;
  /** Final ||r|| / ||b||. */
  residual: number;
}

export function conjugateGradient(
  apply: (v: Float64Array, out: Float64Array) => void,
  b: Float64Array,
  opts: CgOptions = {},
): CgResult {
  const n = b.length;
  const tol = opts.tol ?? 1e-6;
  const maxIter = opts.maxIter ?? n;
  const x = new Float64Array(n);
  const r = b.slice();
  const p = b.slice();
  const Ap = new Float64Array(n);
  const dot = (u: Float64Array, v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[i] * v[i];
    return s;
  };
  const bNorm = Math.sqrt(dot(b, b));
  if (bNorm === 0) return { x, iterations: 0, residual: 0 };
  let rr = dot(r, r);
  let it = 0;
  while (it < maxIter && Math.sqrt(rr) > tol * bNorm) {
    apply(p, Ap);
    const alpha = rr / dot(p, Ap);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    rr = rrNew;
    it++;
  }
  return { x, iterations: it, residual: Math.sqrt(rr) / bNorm };
}
