import type { PaperRef } from '@proj/core';

/** The paper(s) this package implements. */
export const papers: readonly PaperRef[] = [
  { title: 'CNN wave functions for J1-J2 and t-J', arxiv: '2204.07816' },
];

export { squareLattice, parseLatticeSize } from './lattice.js';
export type { SquareLattice, SquareLatticeOptions } from './lattice.js';
export { spinHilbert, tjHilbert, checkConfig, randomConfig, enumerateSector, sectorRanker, sectorSize } from './hilbert.js';
export type { Hilbert } from './hilbert.js';
export { connectionBuffers, connectedElements, swapSites } from './operator.js';
export type { Operator } from './operator.js';
export { J1J2Heisenberg } from './heisenberg.js';
export type { J1J2Options } from './heisenberg.js';
export { TJModel } from './tj.js';
export type { TJOptions } from './tj.js';
export { lanczosLowest, tridiagonalLowest } from './lanczos.js';
export type { LanczosOptions, LanczosResult } from './lanczos.js';
export { exactGroundEnergy, sparseHamiltonian, sparseMatVec, MAX_ED_DIM } from './ed.js';
export type { SparseHamiltonian, GroundStateEnergy } from './ed.js';
export { PUBLISHED_J1J2_ENERGIES, publishedJ1J2Energy } from './published.js';
export type { PublishedEnergy } from './published.js';
export { inputChannels, encodeInput, WaveFunctionWrapper } from './model.js';
export type { WaveFunction, LogPsi } from './model.js';
export { CNN, CNN_SHALLOW, CNN_DEEP } from './cnn.js';
export type { CnnConfig, CnnBlock } from './cnn.js';
export { RBM } from './rbm.js';
export type { RbmConfig } from './rbm.js';
export { MarshallSign, marshallSign } from './marshall.js';
export { SlaterJastrow } from './slater.js';
export type { SlaterConfig } from './slater.js';
export { Memoized, MEMOIZED_DENSE_LIMIT, MEMOIZED_GRADIENT_LIMIT } from './memoized.js';
export type { MemoizedConfig } from './memoized.js';
export { Symmetrized, cnnSymmetries } from './symmetrized.js';
export type { SymmetryOp, CnnSymmetryOptions } from './symmetrized.js';
export { ExchangeRule } from './exchange_rule.js';
export type { SwapProposal } from './exchange_rule.js';
export { MetropolisSampler } from './metropolis.js';
export type { MetropolisConfig, SampleBatch } from './metropolis.js';
export { localEnergies, mcStatistics, integratedAutocorrTime, splitRHat } from './estimators.js';
export type { McStats } from './estimators.js';
export { conjugateGradient } from './cg.js';
export type { CgOptions, CgResult } from './cg.js';
export { choleskySolve } from './cholesky.js';
export { srDirection, energyForce, SR_DENSE_MAX_PARAMS } from './sr.js';
export type { SrConfig, SrResult } from './sr.js';
export { Sgd, Adam } from './optimizer.js';
export type { Optimizer, AdamConfig } from './optimizer.js';
export { VmcDriver } from './driver.js';
export type { VmcConfig, IterationLog } from './driver.js';
