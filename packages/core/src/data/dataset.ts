/**
 * In-memory labelled data for classification.
 *
 * A `Dataset` is anything that can hand out examples by index: `take` copies
 * the chosen examples into fresh row-major arrays, so callers own what they
 * get and the source is never aliased. `ArrayDataset` holds everything in one
 * Float32Array; `subset` is a view that only remaps indices.
 */

/** Examples gathered by `Dataset.take`: `x` row-major [n, ...exampleShape], `y` class ids. */
export interface Examples {
  x: Float32Array;
  y: Int32Array;
}

export interface Dataset {
  /** Number of examples. */
  readonly size: number;
  /** Shape of one example, e.g. [28, 28, 1]. */
  readonly exampleShape: readonly number[];
  /** Labels lie in [0, numClasses). */
  readonly numClasses: number;
  /** Copies the examples at `indices` (in that order; repeats allowed). */
  take(indices: ArrayLike<number>): Examples;
}

/** Number of values in one example: the product of `exampleShape` (1 for []). */
export function exampleSize(exampleShape: readonly number[]): number {
  let n = 1;
  for (const d of exampleShape) n *= d;
  return n;
}

function checkExampleShape(exampleShape: readonly number[]): void {
  if (!Array.isArray(exampleShape) || exampleShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`ArrayDataset: exampleShape must be an array of positive integers, got ${JSON.stringify(exampleShape)}`);
  }
}

function checkIndex(where: string, index: number, size: number, position: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new Error(`${where}: indices[${position}] = ${index} is not an integer in [0, ${size})`);
  }
}

export class ArrayDataset implements Dataset {
  readonly size: number;
  readonly exampleShape: readonly number[];
  readonly numClasses: number;
  /** All examples, row-major [size, ...exampleShape]; shared with the caller, not copied. */
  readonly x: Float32Array;
  /** All labels (always a private Int32Array copy). */
  readonly y: Int32Array;
  private readonly stride: number;

  constructor(x: Float32Array, y: ArrayLike<number>, exampleShape: readonly number[], numClasses: number) {
    if (!(x instanceof Float32Array)) throw new Error('ArrayDataset: x must be a Float32Array');
    checkExampleShape(exampleShape);
    if (!Number.isInteger(numClasses) || numClasses < 1) {
      throw new Error(`ArrayDataset: numClasses must be an integer >= 1, got ${numClasses}`);
    }
    const stride = exampleSize(exampleShape);
    const size = y.length;
    if (x.length !== size * stride) {
      throw new Error(
        `ArrayDataset: x has ${x.length} values but y has ${size} labels and each example ` +
          `of shape [${exampleShape.join(', ')}] has ${stride} values (expected ${size * stride})`,
      );
    }
    const labels = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const label = y[i];
      if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
        throw new Error(`ArrayDataset: y[${i}] = ${label} is not a class id in [0, ${numClasses})`);
      }
      labels[i] = label;
    }
    // A NaN in the inputs would surface much later as a NaN loss; catch it here.
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) {
        throw new Error(`ArrayDataset: x[${i}] = ${x[i]} (example ${Math.floor(i / stride)}) is not finite`);
      }
    }
    this.x = x;
    this.y = labels;
    this.size = size;
    this.exampleShape = Object.freeze([...exampleShape]);
    this.numClasses = numClasses;
    this.stride = stride;
  }

  take(indices: ArrayLike<number>): Examples {
    const n = indices.length;
    const stride = this.stride;
    const x = new Float32Array(n * stride);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = indices[i];
      checkIndex('ArrayDataset.take', k, this.size, i);
      x.set(this.x.subarray(k * stride, (k + 1) * stride), i * stride);
      y[i] = this.y[k];
    }
    return { x, y };
  }
}

/** A view of `parent` restricted to `indices`; nothing is copied until `take`. */
class SubsetDataset implements Dataset {
  readonly size: number;
  readonly exampleShape: readonly number[];
  readonly numClasses: number;

  constructor(
    readonly parent: Dataset,
    readonly indices: Int32Array,
  ) {
    this.size = indices.length;
    this.exampleShape = parent.exampleShape;
    this.numClasses = parent.numClasses;
  }

  take(indices: ArrayLike<number>): Examples {
    const mapped = new Int32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      checkIndex('subset.take', indices[i], this.size, i);
      mapped[i] = this.indices[indices[i]];
    }
    return this.parent.take(mapped);
  }
}

/** The examples of `ds` at `indices`, as a lazy view (a subset of a subset maps straight to the root). */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const own = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    checkIndex('subset', indices[i], ds.size, i);
    own[i] = indices[i];
  }
  if (ds instanceof SubsetDataset) {
    // Flatten so that deep chains of splits do not add one remap per level.
    for (let i = 0; i < own.length; i++) own[i] = ds.indices[own[i]];
    return new SubsetDataset(ds.parent, own);
  }
  return new SubsetDataset(ds, own);
}

/** Range of every index of a dataset, in order. */
function allIndices(size: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = i;
  return out;
}

/** Examples read per `take` when a whole dataset is scanned, to bound the temporary copy. */
const SCAN_CHUNK = 4096;

/** All labels of `ds` in order (read in chunks, so a lazy dataset is never copied whole). */
export function labelsOf(ds: Dataset): Int32Array {
  if (ds instanceof ArrayDataset) return ds.y.slice();
  if (ds instanceof SubsetDataset && ds.parent instanceof ArrayDataset) {
    const root = ds.parent.y;
    return ds.indices.map((k) => root[k]);
  }
  const out = new Int32Array(ds.size);
  for (let start = 0; start < ds.size; start += SCAN_CHUNK) {
    const idx = allIndices(Math.min(SCAN_CHUNK, ds.size - start)).map((i) => i + start);
    out.set(ds.take(idx).y, start);
  }
  return out;
}

/** Number of examples of each class: counts[c] for c in [0, numClasses). */
export function classCounts(ds: Dataset): Int32Array {
  const counts = new Int32Array(ds.numClasses);
  for (const label of labelsOf(ds)) counts[label]++;
  return counts;
}

/** A self-contained copy of `ds` (e.g. to drop the parent of a small subset). */
export function toArrayDataset(ds: Dataset): ArrayDataset {
  const { x, y } = ds.take(allIndices(ds.size));
  return new ArrayDataset(x, y, ds.exampleShape, ds.numClasses);
}
