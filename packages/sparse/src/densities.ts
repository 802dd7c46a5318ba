import { checkLayers, sizeOf, type PrunableLayer } from './layers.js';

/**
 * Layer-wise density schemes of Liu et al. 2022 (arXiv:2202.02643, Sec. 3):
 * - `uniform`: every layer gets `density`.
 * - `uniform+` (Gale et al. 2019): the first layer dense, the last layer at
 *   least 0.2, the rest `density`; the global density is not re-solved (as the
 *   reference code).
 * - `er` (Mocanu et al. 2018): density proportional to (n_in + n_out) / (n_in n_out).
 * - `erk` (Evci et al. 2020): density proportional to sum(shape) / prod(shape).
 * - `erk+`: ERK with the classifier (last layer) dense, the rest re-solved.
 */
export type DensityScheme = 'uniform' | 'uniform+' | 'er' | 'erk' | 'erk+';

export const DENSITY_SCHEMES: readonly DensityScheme[] = ['uniform', 'uniform+', 'er', 'erk', 'erk+'];

export interface LayerDensityOptions {
  scheme: DensityScheme;
  /** Global density in (0, 1]: kept weights over all prunable weights (ER/ERK solve for it exactly). */
  density: number;
  /** Layers kept dense; ER/ERK re-solve the others so that the global density still equals `density`. */
  denseLayers?: readonly string[];
  /** Power on the ER/ERK score (`erk_power_scale` of the reference code, default 1). */
  erkPowerScale?: number;
}

/** The last layer keeps at least this density under `uniform+` (Gale et al. 2019, as the reference code). */
const UNIFORM_PLUS_MIN_LAST = 0.2;

/**
 * Density of every prunable layer, `{ [name]: density }`, under a scheme.
 *
 * ER/ERK solve as google-research/rigl `get_sparsities_erdos_renyi`:
 * density_l = eps * score_l with
 * eps = (d N_sparse - (1 - d) N_dense) / sum_l score_l N_l over the layers not
 * yet dense; while some eps * score_l exceeds 1, the layer(s) with the largest
 * score become dense and eps is solved again. The parameter-weighted mean
 * density then equals `density` exactly.
 */
export function layerDensities(layers: readonly PrunableLayer[], opts: LayerDensityOptions): Record<string, number> {
  checkLayers(layers, 'layerDensities');
  const { scheme, density } = opts ?? ({} as LayerDensityOptions);
  if (!DENSITY_SCHEMES.includes(scheme)) {
    throw new Error(`layerDensities: unknown scheme ${JSON.stringify(scheme)}; expected one of ${DENSITY_SCHEMES.join(', ')}`);
  }
  if (!(typeof density === 'number' && density > 0 && density <= 1)) {
    throw new Error(`layerDensities: density must be a number in (0, 1], got ${density}`);
  }
  const power = opts.erkPowerScale ?? 1;
  if (!(Number.isFinite(power) && power >= 0)) throw new Error(`layerDensities: erkPowerScale must be a finite number >= 0, got ${power}`);
  const names = new Set(layers.map((l) => l.name));
  const forced = new Set(opts.denseLayers ?? []);
  for (const n of forced) {
    if (!names.has(n)) throw new Error(`layerDensities: denseLayers names '${n}', which is not a layer (have: ${[...names].join(', ')})`);
  }
  if (scheme === 'erk+') forced.add(layers[layers.length - 1].name);

  if (density === 1) return Object.fromEntries(layers.map((l) => [l.name, 1]));
  if (scheme === 'uniform' || scheme === 'uniform+') {
    const last = layers.length - 1;
    return Object.fromEntries(
      layers.map((l, i) => {
        if (forced.has(l.name)) return [l.name, 1];
        if (scheme === 'uniform+' && i === 0) return [l.name, 1];
        if (scheme === 'uniform+' && i === last) return [l.name, Math.max(density, UNIFORM_PLUS_MIN_LAST)];
        return [l.name, density];
      }),
    );
  }

  const score = (shape: readonly number[]) => {
    // ER scores the fan-in/fan-out pair only: the last two dims in tfjs layout.
    const dims = scheme === 'er' ? shape.slice(-2) : shape;
    return (dims.reduce((a, b) => a + b, 0) / sizeOf(dims)) ** power;
  };
  const scores = new Map(layers.map((l) => [l.name, score(l.shape)]));
  const dense = new Set(forced);
  for (;;) {
    let rhs = 0;
    let divisor = 0;
    let maxScore = -Infinity;
    for (const l of layers) {
      const n = sizeOf(l.shape);
      if (dense.has(l.name)) {
        rhs -= (1 - density) * n;
      } else {
        rhs += density * n;
        divisor += scores.get(l.name)! * n;
        maxScore = Math.max(maxScore, scores.get(l.name)!);
      }
    }
    if (divisor === 0 || rhs <= 0) {
      throw new Error(
        `layerDensities: density ${density} cannot be reached with layers [${[...dense].join(', ')}] kept dense; they alone hold more weights than the budget`,
      );
    }
    const eps = rhs / divisor;
    if (eps * maxScore <= 1) {
      return Object.fromEntries(layers.map((l) => [l.name, dense.has(l.name) ? 1 : eps * scores.get(l.name)!]));
    }
    for (const l of layers) if (!dense.has(l.name) && scores.get(l.name) === maxScore) dense.add(l.name);
  }
}

/** Parameter-weighted mean density of `densities` over `layers`. */
export function globalDensity(layers: readonly PrunableLayer[], densities: Readonly<Record<string, number>>): number {
  let kept = 0;
  let total = 0;
  for (const l of layers) {
    const n = sizeOf(l.shape);
    kept += densities[l.name] * n;
    total += n;
  }
  return kept / total;
}
