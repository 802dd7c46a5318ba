/**
 * Evaluation numbers of DaGAN's experiments besides SSIM and PSNR (those live
 * in @proj/core): Spearman correlation of depth maps, mean absolute error,
 * and FOMM's average keypoint distance.
 */

/** Ranks 0..n-1 with ties given their average rank. */
function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]!] === v[idx[i]!]) j++;
    for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation of two equally long series (Pearson correlation of their ranks); 0 if either is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length < 2) throw new Error(`spearman: need two series of equal length >= 2, got ${a.length} and ${b.length}`);
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (a.length - 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = ra[i]! - mean;
    const y = rb[i]! - mean;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Mean absolute difference (the L1 of FOMM's reconstruction tables). */
export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`meanAbsoluteError: need equal non-empty lengths, got ${a.length} and ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * Average keypoint distance (FOMM, AKD): the mean Euclidean distance between
 * corresponding keypoints [n, k, 2] of two sets, in the units of the
 * coordinates (multiply by (size - 1) / 2 for pixels of [-1, 1] keypoints).
 */
export function averageKeypointDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0 || a.length % 2 !== 0) {
    throw new Error(`averageKeypointDistance: need two [n, k, 2] keypoint sets of equal size, got ${a.length} and ${b.length} values`);
  }
  let s = 0;
  for (let i = 0; i < a.length; i += 2) s += Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!);
  return s / (a.length / 2);
}
