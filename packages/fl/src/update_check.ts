/**
 * The server's guard against a bad client update: a result whose parameter
 * vector has the wrong length or a non-finite entry (NaN/Inf from a diverged
 * or malicious client) must never reach the aggregation.
 */
import type { FitResult } from './strategy.js';

/** Throws, naming the client and the defect, unless `result` fits a model of `size` parameters and is finite. */
export function checkUpdate(result: FitResult, size: number, clientId: number): void {
  const bad = (why: string) => new Error(`update of client ${clientId} rejected: ${why}`);
  if (result.clientId !== clientId) throw bad(`it claims to be client ${result.clientId}`);
  if (result.params.length !== size) throw bad(`params has ${result.params.length} entries, the model has ${size}`);
  const i = result.params.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw bad(`params[${i}] is ${result.params[i]}`);
  if (!(result.numExamples > 0) || !Number.isFinite(result.numExamples)) throw bad(`numExamples is ${result.numExamples}`);
  if (!Number.isInteger(result.steps) || result.steps < 0) throw bad(`steps is ${result.steps}`);
}
