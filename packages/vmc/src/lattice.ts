/**
 * L1 x L2 square lattice with periodic or open boundaries. Sites are numbered
 * row-major, i = r * L2 + c; this order is also the fermion ordering of the
 * t-J model (see tj.ts).
 */
export interface SquareLattice {
  readonly L1: number;
  readonly L2: number;
  readonly n: number;
  readonly pbc: boolean;
  /** Nearest-neighbour bonds (J1), each unordered pair once, as [i, j] with i < j. */
  readonly bonds1: readonly (readonly [number, number])[];
  /** Next-nearest (diagonal) bonds (J2), each unordered pair once. */
  readonly bonds2: readonly (readonly [number, number])[];
  /** 0 or 1: the checkerboard sublattice (r + c) mod 2 of each site. */
  readonly sublattice: Uint8Array;
}

export interface SquareLatticeOptions {
  /** Periodic boundaries (default true: the paper and Schulz et al. use tori). */
  pbc?: boolean;
}

/** Parses "4x4" or "6x6" into [L1, L2]; throws naming `what` otherwise. */
export function parseLatticeSize(spec: string, what = 'lattice'): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(spec.trim());
  if (!m) throw new Error(`${what}: expected "L1xL2" such as "4x4", got ${JSON.stringify(spec)}`);
  return [Number(m[1]), Number(m[2])];
}

export function squareLattice(L1: number, L2: number, opts: SquareLatticeOptions = {}): SquareLattice {
  for (const [name, v] of [['L1', L1], ['L2', L2]] as const) {
    if (!Number.isInteger(v) || v < 2) throw new Error(`squareLattice: ${name} must be an integer >= 2, got ${v}`);
  }
  const pbc = opts.pbc ?? true;
  const n = L1 * L2;
  const site = (r: number, c: number): number => {
    if (pbc) return ((r + L1) % L1) * L2 + ((c + L2) % L2);
    return r >= 0 && r < L1 && c >= 0 && c < L2 ? r * L2 + c : -1;
  };
  // A set of "i,j" keys removes the duplicates that wrapping creates on
  // lattices of side 2 (right and left neighbour coincide): a bond counts once.
  const collect = (offsets: readonly (readonly [number, number])[]): [number, number][] => {
    const seen = new Set<number>();
    const out: [number, number][] = [];
    for (let r = 0; r < L1; r++) {
      for (let c = 0; c < L2; c++) {
        const i = r * L2 + c;
        for (const [dr, dc] of offsets) {
          const j = site(r + dr, c + dc);
          if (j < 0 || j === i) continue;
          const a = Math.min(i, j);
          const b = Math.max(i, j);
          if (seen.has(a * n + b)) continue;
          seen.add(a * n + b);
          out.push([a, b]);
        }
      }
    }
    return out;
  };
  const sublattice = new Uint8Array(n);
  for (let r = 0; r < L1; r++) for (let c = 0; c < L2; c++) sublattice[r * L2 + c] = (r + c) % 2;
  return {
    L1,
    L2,
    n,
    pbc,
    bonds1: collect([[0, 1], [1, 0]]),
    bonds2: collect([[1, 1], [1, -1]]),
    sublattice,
  };
}
