/**
 * Seeded, splittable random number generator.
 *
 * Algorithm: xoshiro128** (Blackman & Vigna, 2018) on four 32-bit words, which
 * JavaScript computes exactly with `Math.imul` and unsigned shifts. The state is
 * seeded from a number with SplitMix32, so nearby seeds give unrelated streams.
 * `split()` seeds a child from four outputs of the parent passed through
 * SplitMix32 again: children are reproducible from the parent's seed and the
 * order of splits, and do not overlap the parent's stream in practice.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** One step of SplitMix32 (a 32-bit variant of Steele et al.'s SplitMix64 finalizer). */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Lanczos approximation of log Γ(x) for x > 0 (g = 7, n = 9 coefficients). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function checkSeed(seed: number): void {
  if (!Number.isFinite(seed) || !Number.isInteger(seed)) {
    throw new Error(`rng: seed must be a finite integer, got ${seed}`);
  }
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** Second Box-Muller variate, kept so that normals come in pairs. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    checkSeed(seed);
    // Fold the high bits in so seeds above 2^32 still differ.
    let x = (seed | 0) ^ Math.floor(seed / TWO_POW_32);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = splitmix32(x);
      words.push(x);
    }
    this.setState(words);
  }

  /** A generator with exactly this state (for known-answer tests and checkpoints). */
  static fromState(state: readonly number[]): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }

  /** The four state words; `Rng.fromState(r.state())` continues the same stream. */
  state(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  private setState(state: readonly number[]): void {
    if (state.length !== 4) throw new Error(`rng: state must have 4 words, got ${state.length}`);
    if (state.every((w) => (w >>> 0) === 0)) throw new Error('rng: state must not be all zero');
    [this.s0, this.s1, this.s2, this.s3] = state.map((w) => w >>> 0);
    this.spareNormal = null;
  }

  /** Next raw 32-bit unsigned output. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** An independent child generator; advances this one by four outputs. */
  split(): Rng {
    const words = [0, 0, 0, 0].map(() => splitmix32(this.nextUint32()));
    return Rng.fromState(words);
  }

  /** An integer seed in [0, 2^31) for tfjs random ops (`tf.randomNormal(..., seed)`). */
  tfSeed(): number {
    return this.nextUint32() >>> 1;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** Uniform double in [low, high). */
  uniformRange(low: number, high: number): number {
    if (!(high >= low)) throw new Error(`rng.uniformRange: need low <= high, got ${low}, ${high}`);
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n), unbiased (rejection of the short last interval). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) {
      throw new Error(`rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal by Box-Muller; pairs are used in order. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return mean + std * r * Math.cos(theta);
  }

  /** n uniform samples in [low, high) as float32. */
  uniformArray(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniformRange(low, high);
    return out;
  }

  /** n normal samples as float32. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Index i with probability p[i] / sum(p); weights need not be normalized. */
  categorical(p: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] >= 0) || !Number.isFinite(p[i])) {
        throw new Error(`rng.categorical: weights must be finite and >= 0, got p[${i}] = ${p[i]}`);
      }
      total += p[i];
    }
    if (!(total > 0)) throw new Error('rng.categorical: weights must have a positive sum');
    let u = this.uniform() * total;
    for (let i = 0; i < p.length; i++) {
      u -= p[i];
      if (u < 0) return i;
    }
    // Rounding can leave u a hair above 0: return the last index with weight.
    for (let i = p.length - 1; i >= 0; i--) if (p[i] > 0) return i;
    return p.length - 1;
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`rng.permutation: n must be an integer >= 0, got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** Gamma(shape, scale) by Marsaglia & Tsang (2000), with the shape < 1 boost. */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) {
      throw new Error(`rng.gamma: shape and scale must be > 0, got ${shape}, ${scale}`);
    }
    if (shape < 1) {
      // Gamma(a) = Gamma(a + 1) * U^(1/a)
      return this.gamma(shape + 1, scale) * Math.pow(1 - this.uniform(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }

  /** Dirichlet(alpha) sample: normalized independent Gamma(alpha_i) draws. */
  dirichlet(alpha: ArrayLike<number>): Float64Array {
    if (alpha.length === 0) throw new Error('rng.dirichlet: alpha must not be empty');
    const out = new Float64Array(alpha.length);
    let sum = 0;
    for (let i = 0; i < alpha.length; i++) {
      if (!(alpha[i] > 0)) throw new Error(`rng.dirichlet: alpha must be > 0, got alpha[${i}] = ${alpha[i]}`);
      out[i] = this.gamma(alpha[i]);
      sum += out[i];
    }
    if (sum === 0) {
      // Every draw underflowed (tiny alphas): the limit puts all mass on one coordinate.
      out[this.categorical(alpha)] = 1;
      return out;
    }
    for (let i = 0; i < out.length; i++) out[i] /= sum;
    return out;
  }

  /**
   * Poisson(lambda): multiplication of uniforms for lambda < 10, else the
   * transformed rejection method PTRS (Hörmann, 1993), as numpy does.
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new Error(`rng.poisson: lambda must be finite and >= 0, got ${lambda}`);
    }
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
        return k;
      }
    }
  }
}

/** An Rng from a seed, or the given Rng itself: the form every stochastic API accepts. */
export function toRng(seedOrRng: number | Rng): Rng {
  return typeof seedOrRng === 'number' ? new Rng(seedOrRng) : seedOrRng;
}
