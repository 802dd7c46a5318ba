/**
 * Learning rate with linear warm-up then linear decay to zero: fairseq's
 * `polynomial_decay` scheduler (power 1, end lr 0), which mBART's and
 * CSR4mBART's fine-tuning scripts use (`--lr-scheduler polynomial_decay
 * --warmup-updates 2500 --total-num-update 40000`).
 */
export interface WarmupDecaySchedule {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
}

/** The learning rate of update `step` (0-based). */
export function warmupDecay(step: number, s: WarmupDecaySchedule): number {
  const { peak, warmupSteps, totalSteps } = s;
  if (!(peak > 0 && warmupSteps >= 0 && totalSteps > warmupSteps)) {
    throw new Error(`warmupDecay: need peak > 0 and 0 <= warmupSteps < totalSteps, got ${peak}, ${warmupSteps}, ${totalSteps}`);
  }
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  return peak * Math.max(0, (totalSteps - step) / (totalSteps - warmupSteps));
}
