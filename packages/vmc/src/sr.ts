/**
 * Stochastic reconfiguration (Sorella 1998; the natural gradient of VMC).
 * From M samples with log-derivatives O_k(x) and local energies E_loc(x):
 *   S_kl = <O_k O_l> - <O_k><O_l>,   f_k = <O_k E_loc> - <O_k><E_loc>
 * (real wave function; the energy gradient is 2 f). The update direction
 * solves (S + shift) d = f; the optimizer then steps theta -= lr * d.
 *
 * With Oc the centered M x P matrix and eps = E_loc - <E_loc>:
 * S = Oc^T Oc / M and f = Oc^T eps / M. Solvers:
 * - 'dense': form S, Cholesky (cheap for a few hundred parameters);
 * - 'cg': conjugate gradient on v -> Oc^T (Oc v) / M + shift v, never forming S;
 * - 'minsr' (Chen & Heyl 2023): when P > M, d = Oc^T (Oc Oc^T / M + shift I)^-1 eps / M,
 *   an M x M solve (the push-through identity; absolute shift only).
 * Shift: 'absolute' adds lambda I; 'relative' adds lambda * diag(S) (Sorella's
 * original form), with the absolute value as a floor so that parameters
 * with zero variance stay regular.
 */
import { choleskySolve } from './cholesky.js';
import { conjugateGradient } from './cg.js';

export interface SrConfig {
  /** lambda (default 1e-2 for 'absolute', REFERENCES.md and NetKet's default diag_shift 0.01). */
  diagShift?: number;
  /** 'absolute' (default) or 'relative' (lambda * diag(S), floored at 1e-4 absolute). */
  shiftMode?: 'absolute' | 'relative';
  /** 'auto' (default): minsr when P > M, dense when P <= 1500, else cg. */
  solver?: 'auto' | 'dense' | 'cg' | 'minsr';
  /** CG tolerance, relative residual (default 1e-6). */
  cgTol?: number;
  /** CG iteration cap (default 500). */
  cgMaxIter?: number;
}

export interface SrResult {
  /** d with (S + shift) d = f. */
  direction: Float64Array;
  /** f = Cov(O, E_loc), half the energy gradient. */
  force: Float64Array;
  solver: 'dense' | 'cg' | 'minsr';
  cgIterations: number;
}

/** Largest P for which 'auto' forms S densely. */
export const SR_DENSE_MAX_PARAMS = 1500;

/**
 * Centers `O` (M x P) in place and returns f = Oc^T eps / M with
 * eps = E_loc - <E_loc>: half the energy gradient, the right-hand side of SR.
 */
export function energyForce(O: Float64Array, eloc: Float64Array, P: number): { force: Float64Array; eps: Float64Array } {
  const M = eloc.length;
  if (O.length !== M * P) throw new Error(`energyForce: O must be ${M} x ${P} = ${M * P} entries, got ${O.length}`);
  const mean = new Float64Array(P);
  for (let s = 0; s < M; s++) for (let k = 0; k < P; k++) mean[k] += O[s * P + k];
  for (let k = 0; k < P; k++) mean[k] /= M;
  for (let s = 0; s < M; s++) for (let k = 0; k < P; k++) O[s * P + k] -= mean[k];
  let eMean = 0;
  for (let s = 0; s < M; s++) eMean += eloc[s];
  eMean /= M;
  const eps = new Float64Array(M);
  for (let s = 0; s < M; s++) eps[s] = eloc[s] - eMean;
  const force = new Float64Array(P);
  for (let s = 0; s < M; s++) {
    const e = eps[s] / M;
    if (e === 0) continue;
    for (let k = 0; k < P; k++) force[k] += O[s * P + k] * e;
  }
  return { force, eps };
}

/**
 * SR direction from per-sample log-derivatives `O` (M x P, row-major) and local
 * energies `eloc` (M). `O` is centered in place.
 */
export function srDirection(O: Float64Array, eloc: Float64Array, P: number, cfg: SrConfig = {}): SrResult {
  const M = eloc.length;
  if (O.length !== M * P) throw new Error(`srDirection: O must be ${M} x ${P} = ${M * P} entries, got ${O.length}`);
  const lambda = cfg.diagShift ?? 1e-2;
  if (!(lambda >= 0)) throw new Error(`srDirection: diagShift must be >= 0, got ${lambda}`);
  const mode = cfg.shiftMode ?? 'absolute';
  let solver = cfg.solver ?? 'auto';
  if (solver === 'auto') solver = P > M && mode === 'absolute' ? 'minsr' : P <= SR_DENSE_MAX_PARAMS ? 'dense' : 'cg';
  if (solver === 'minsr' && mode !== 'absolute') throw new Error("srDirection: minsr needs shiftMode 'absolute'");

  const { force, eps } = energyForce(O, eloc, P);

  if (solver === 'minsr') {
    const T = new Float64Array(M * M);
    for (let a = 0; a < M; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let k = 0; k < P; k++) s += O[a * P + k] * O[b * P + k];
        T[a * M + b] = T[b * M + a] = s / M;
      }
      T[a * M + a] += lambda;
    }
    const y = choleskySolve(T, eps, M);
    const direction = new Float64Array(P);
    for (let s = 0; s < M; s++) {
      const w = y[s] / M;
      for (let k = 0; k < P; k++) direction[k] += O[s * P + k] * w;
    }
    return { direction, force, solver, cgIterations: 0 };
  }

  const diag = new Float64Array(P);
  for (let s = 0; s < M; s++) for (let k = 0; k < P; k++) diag[k] += O[s * P + k] ** 2;
  for (let k = 0; k < P; k++) diag[k] /= M;
  const shift = new Float64Array(P);
  for (let k = 0; k < P; k++) shift[k] = mode === 'absolute' ? lambda : Math.max(lambda * diag[k], 1e-4);

  if (solver === 'dense') {
    const S = new Float64Array(P * P);
    const row = new Float64Array(P);
    for (let s = 0; s < M; s++) {
      for (let k = 0; k < P; k++) row[k] = O[s * P + k];
      for (let k = 0; k < P; k++) {
        const v = row[k];
        if (v === 0) continue;
        const base = k * P;
        for (let l = k; l < P; l++) S[base + l] += v * row[l];
      }
    }
    for (let k = 0; k < P; k++) {
      for (let l = k; l < P; l++) {
        const v = S[k * P + l] / M;
        S[k * P + l] = v;
        S[l * P + k] = v;
      }
      S[k * P + k] += shift[k];
    }
    return { direction: choleskySolve(S, force, P), force, solver, cgIterations: 0 };
  }

  const tmp = new Float64Array(M);
  const apply = (v: Float64Array, out: Float64Array): void => {
    for (let s = 0; s < M; s++) {
      let t = 0;
      for (let k = 0; k < P; k++) t += O[s * P + k] * v[k];
      tmp[s] = t / M;
    }
    for (let k = 0; k < P; k++) out[k] = shift[k] * v[k];
    for (let s = 0; s < M; s++) {
      const t = tmp[s];
      if (t === 0) continue;
      for (let k = 0; k < P; k++) out[k] += O[s * P + k] * t;
    }
  };
  const cg = conjugateGradient(apply, force, { tol: cfg.cgTol ?? 1e-6, maxIter: cfg.cgMaxIter ?? 500 });
  return { direction: cg.x, force, solver: 'cg', cgIterations: cg.iterations };
}
