/**
 * What a strategy adds to a client's local loss f_i(w). Every baseline here
 * changes the local problem by a linear and/or a proximal term:
 *
 *   F_i(w) = f_i(w) + <v, w> + mu/2 ||w - a||^2
 *
 * FedProx: v = 0, mu, a = w_global. FedDyn: v = alpha h_i (the client's
 * accumulated drift), mu = alpha, a = w_global. SCAFFOLD: v = c - c_i, mu = 0.
 * Both terms are flat vectors over the model's parameters, so they travel as
 * easily as the parameters themselves.
 */
export interface LocalObjective {
  /** v: adds v to every local gradient. */
  linear?: Float32Array;
  /** mu/2 ||w - anchor||^2: adds mu (w - anchor) to every local gradient. */
  proximal?: { mu: number; anchor: Float32Array };
}

/** Throws unless every vector of the objective has `size` entries and mu >= 0. */
export function checkObjective(objective: LocalObjective, size: number): void {
  if (objective.linear && objective.linear.length !== size) {
    throw new Error(`LocalObjective: linear has length ${objective.linear.length}, the model has ${size} parameters`);
  }
  if (objective.proximal) {
    const { mu, anchor } = objective.proximal;
    if (!(mu >= 0) || !Number.isFinite(mu)) throw new Error(`LocalObjective: proximal.mu must be finite and >= 0, got ${mu}`);
    if (anchor.length !== size) throw new Error(`LocalObjective: proximal.anchor has length ${anchor.length}, the model has ${size} parameters`);
  }
}
