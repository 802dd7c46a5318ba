/**
 * Published ground-state energies of the periodic L x L J1-J2 model (S.S
 * units, J1 = 1), the references a VMC energy is compared with where exact
 * diagonalization does not reach (6x6 and up) or as a check of it (4x4).
 */
export interface PublishedEnergy {
  /** Linear size: the lattice is the L x L torus. */
  l: number;
  j2: number;
  energyPerSite: number;
  /** ED is exact; QMC (stochastic series expansion, no sign problem at J2 = 0) is exact within its last digit. */
  method: 'ED' | 'QMC';
  source: string;
}

const SCHULZ = 'Schulz, Ziman & Poilblanc, J. Phys. I France 6, 675 (1996)';
const SANDVIK = 'Sandvik, Phys. Rev. B 56, 11678 (1997)';

export const PUBLISHED_J1J2_ENERGIES: readonly PublishedEnergy[] = [
  { l: 4, j2: 0, energyPerSite: -0.70178, method: 'ED', source: SCHULZ },
  { l: 4, j2: 0.5, energyPerSite: -0.52862, method: 'ED', source: SCHULZ },
  { l: 6, j2: 0, energyPerSite: -0.678872, method: 'ED', source: SCHULZ },
  { l: 6, j2: 0.5, energyPerSite: -0.50381, method: 'ED', source: SCHULZ },
  { l: 8, j2: 0, energyPerSite: -0.673487, method: 'QMC', source: SANDVIK },
  { l: 10, j2: 0, energyPerSite: -0.671549, method: 'QMC', source: SANDVIK },
];

/** The published energy of the l1 x l2 torus at this J2, if there is one (square tori only). */
export function publishedJ1J2Energy(l1: number, l2: number, j2: number): PublishedEnergy | undefined {
  if (l1 !== l2) return undefined;
  return PUBLISHED_J1J2_ENERGIES.find((e) => e.l === l1 && e.j2 === j2);
}
