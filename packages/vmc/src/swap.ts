/**
 * Visits the configurations one exchange away from x, in place: for k < m,
 * sites pairs[2k] and pairs[2k + 1] are swapped, `visit(k)` runs, and x is
 * restored. Local energies only ever need these (every off-diagonal term of
 * both Hamiltonians is a swap of two sites), so no copy of x is made.
 */
export function forEachSwapped(x: Int8Array, pairs: Int32Array, m: number, visit: (k: number) => void): void {
  for (let k = 0; k < m; k++) {
    const i = pairs[2 * k];
    const j = pairs[2 * k + 1];
    const t = x[i];
    x[i] = x[j];
    x[j] = t;
    visit(k);
    x[j] = x[i];
    x[i] = t;
  }
}
