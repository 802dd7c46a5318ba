/**
 * Full-reference image quality: SSIM (Wang et al. 2004, "Image quality
 * assessment: from error visibility to structural similarity") and PSNR, as
 * talking-head papers (FOMM, DaGAN) report them. Images are NHWC floats.
 */

export interface SsimOptions {
  /** Max minus min of the value range (Wang et al.: L); default 1 for images in [0, 1]. */
  dataRange?: number;
  /** Side of the Gaussian window; default 11 (Wang et al.). */
  windowSize?: number;
  /** Std of the Gaussian window; default 1.5 (Wang et al.). */
  sigma?: number;
}

type Shape4 = readonly [n: number, height: number, width: number, channels: number];

function checkPair(what: string, a: ArrayLike<number>, b: ArrayLike<number>, shape: Shape4): void {
  if (shape.length !== 4 || !shape.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`${what}: shape must be positive integers [n, height, width, channels], got [${shape.join(', ')}]`);
  }
  const size = shape[0] * shape[1] * shape[2] * shape[3];
  if (a.length !== size || b.length !== size) {
    throw new Error(`${what}: both images must have ${size} values for shape [${shape.join(', ')}], got ${a.length} and ${b.length}`);
  }
}

/**
 * Mean SSIM over the images, channels and every position where the whole
 * Gaussian window fits: SSIM = (2 mu_a mu_b + C1)(2 cov + C2) / ((mu_a^2 + mu_b^2 + C1)(var_a + var_b + C2)),
 * C1 = (0.01 L)^2, C2 = (0.03 L)^2. Equals 1 exactly for identical images.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, shape: Shape4, options: SsimOptions = {}): number {
  checkPair('ssim', a, b, shape);
  const [n, h, w, c] = shape;
  const L = options.dataRange ?? 1;
  const size = options.windowSize ?? 11;
  const sigma = options.sigma ?? 1.5;
  if (!(L > 0)) throw new Error(`ssim: dataRange must be > 0, got ${L}`);
  if (!(Number.isInteger(size) && size >= 1 && size <= Math.min(h, w))) {
    throw new Error(`ssim: windowSize must be an integer in [1, min(height, width) = ${Math.min(h, w)}], got ${size}`);
  }
  const c1 = (0.01 * L) ** 2;
  const c2 = (0.03 * L) ** 2;
  const kernel = new Float64Array(size);
  let ks = 0;
  for (let i = 0; i < size; i++) ks += kernel[i] = Math.exp(-(((i - (size - 1) / 2) / sigma) ** 2) / 2);
  for (let i = 0; i < size; i++) kernel[i]! /= ks;
  const oh = h - size + 1;
  const ow = w - size + 1;
  // Separable filtering of the five moments: rows first, then columns.
  const rows = Array.from({ length: 5 }, () => new Float64Array(h * ow));
  let total = 0;
  for (let img = 0; img < n; img++) {
    for (let ch = 0; ch < c; ch++) {
      const at = (y: number, x: number) => ((img * h + y) * w + x) * c + ch;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < ow; x++) {
          let ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
          for (let k = 0; k < size; k++) {
            const va = a[at(y, x + k)]!;
            const vb = b[at(y, x + k)]!;
            const g = kernel[k]!;
            ma += g * va;
            mb += g * vb;
            saa += g * va * va;
            sbb += g * vb * vb;
            sab += g * va * vb;
          }
          const i = y * ow + x;
          rows[0]![i] = ma;
          rows[1]![i] = mb;
          rows[2]![i] = saa;
          rows[3]![i] = sbb;
          rows[4]![i] = sab;
        }
      }
      for (let y = 0; y < oh; y++) {
        for (let x = 0; x < ow; x++) {
          const m = [0, 0, 0, 0, 0];
          for (let k = 0; k < size; k++) {
            const i = (y + k) * ow + x;
            for (let q = 0; q < 5; q++) m[q]! += kernel[k]! * rows[q]![i]!;
          }
          const [ma, mb, saa, sbb, sab] = m as [number, number, number, number, number];
          const va = saa - ma * ma;
          const vb = sbb - mb * mb;
          const cov = sab - ma * mb;
          total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
        }
      }
    }
  }
  return total / (n * c * oh * ow);
}

/**
 * Peak signal-to-noise ratio 10 log10(L^2 / MSE) in dB, averaged over the
 * images (each image's own MSE); Infinity when the images are identical.
 */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>, shape: Shape4, dataRange = 1): number {
  checkPair('psnr', a, b, shape);
  if (!(dataRange > 0)) throw new Error(`psnr: dataRange must be > 0, got ${dataRange}`);
  const [n] = shape;
  const per = a.length / n;
  let total = 0;
  for (let img = 0; img < n; img++) {
    let se = 0;
    for (let i = img * per; i < (img + 1) * per; i++) se += (a[i]! - b[i]!) ** 2;
    total += 10 * Math.log10((dataRange * dataRange) / (se / per));
  }
  return total / n;
}
