/**
 * The step-size factor of PyTorch's MultiStepLR with gamma 0.1, the schedule
 * of FOMM's generators and monodepth2's depth training: x0.1 for each
 * distinct milestone at or before `step` (0-based, so a milestone m drops
 * the step size from step m on).
 */
export function stepDecay(step: number, milestones: readonly number[] = []): number {
  return 0.1 ** new Set(milestones.filter((m) => step >= m)).size;
}
