import { describe, expect, it } from 'vitest';
import { FedAvg, FedDyn, FedProx, Scaffold, weightedAverage, type FitResult, type RoundContext } from '../src/index.js';

const f = (...v: number[]) => Float32Array.from(v);

function result(clientId: number, params: Float32Array, numExamples = 10, steps = 1, lr = 0.1): FitResult {
  return { clientId, params, numExamples, labelCounts: new Int32Array(2), steps, lr };
}

function ctx(global: Float32Array, clients: Array<[number, number]>, numClients = 4, round = 0): RoundContext {
  return { round, global, clients: clients.map(([id, numExamples]) => ({ id, numExamples })), numClients };
}

function close(actual: Float32Array | undefined, expected: number[]): void {
  expect(actual).toBeDefined();
  expect(Array.from(actual!).map((v) => Math.round(v * 1e5) / 1e5)).toEqual(expected);
}

describe('aggregation against hand-computed values', () => {
  it('weightedAverage: sum w_k x_k / sum w_k, and clear errors', () => {
    close(weightedAverage([f(1, 2), f(3, 6)], [1, 3]), [2.5, 5]);
    expect(() => weightedAverage([f(1), f(1, 2)], [1, 1])).toThrow(/vectors\[1\] has length 2/);
    expect(() => weightedAverage([f(1)], [0])).toThrow(/sum to 0/);
  });

  it('FedAvg weights by data size; FedProx adds mu/2||w - w_g||^2 and aggregates the same way', () => {
    const c = ctx(f(0, 0), [
      [0, 1],
      [1, 3],
    ]);
    const results = [result(0, f(1, 2), 1), result(1, f(3, 6), 3)];
    close(new FedAvg().aggregate(c, results), [2.5, 5]);
    expect(new FedAvg().configureRound(c)).toEqual([{}, {}]);
    const prox = new FedProx({ mu: 0.01 });
    const objectives = prox.configureRound(c);
    expect(objectives[1].proximal!.mu).toBe(0.01);
    expect(objectives[1].proximal!.anchor).toBe(c.global);
    close(prox.aggregate(c, results), [2.5, 5]);
    expect(new FedProx().config.mu).toBe(1e-4);
    expect(() => new FedProx({ mu: -1 })).toThrow(/mu must be/);
  });

  it('FedDyn: w = mean_k w_k + (1/N) sum of all drifts h_k; objectives carry alpha_k h_k and alpha_k', () => {
    const dyn = new FedDyn({ alpha: 0.1 });
    const c0 = ctx(f(0, 0), [
      [0, 10],
      [1, 10],
    ]);
    // Round 0: no drift yet, so no linear term; equal sizes give alpha_k = alpha.
    expect(dyn.configureRound(c0)).toEqual([{ proximal: { mu: 0.1, anchor: c0.global } }, { proximal: { mu: 0.1, anchor: c0.global } }]);
    // h0 = [1, 2], h1 = [3, 0]; mean = [2, 1]; sum h / 4 = [1, 0.5].
    const g1 = dyn.aggregate(c0, [result(0, f(1, 2)), result(1, f(3, 0))]);
    close(g1, [3, 1.5]);
    // Round 1 with unequal sizes (10 and 30, mean 20): alpha_0 = 0.1 / 0.5 = 0.2, alpha_2 = 0.1 / 1.5.
    const c1 = ctx(g1, [
      [0, 10],
      [2, 30],
    ]);
    const [o0, o2] = dyn.configureRound(c1);
    expect(o0.proximal!.mu).toBeCloseTo(0.2, 10);
    close(o0.linear, [0.2, 0.4]);
    expect(o2.proximal!.mu).toBeCloseTo(0.1 / 1.5, 10);
    expect(o2.linear).toBeUndefined();
    // d0 = [4, 3] - [3, 1.5] = [1, 1.5], d2 = [-1, 0.5]; sum of drifts = [4, 2] + d0 + d2 = [4, 4]; mean params [3, 2.5] + [4, 4] / 4.
    close(dyn.aggregate(c1, [result(0, f(4, 3), 10), result(2, f(2, 2), 30)]), [4, 3.5]);
  });

  it('SCAFFOLD: c_k+ = c_k - c + (x - y_k)/(K eta), c += sum dc_k / N, x = mean y_k; objectives carry c - c_k', () => {
    const s = new Scaffold();
    const c0 = ctx(f(1, 1), [
      [0, 10],
      [1, 10],
    ]);
    close(s.configureRound(c0)[0].linear, [0, 0]);
    // y0 = [0, 1], K = 2, eta = 0.5 -> c0+ = [1, 0]; y1 = [1, 3], K = 1, eta = 0.5 -> c1+ = [0, -4].
    const x1 = s.aggregate(c0, [result(0, f(0, 1), 10, 2, 0.5), result(1, f(1, 3), 10, 1, 0.5)]);
    close(x1, [0.5, 2]);
    close(s.serverControl, [0.25, -1]);
    close(s.clientControl.get(0), [1, 0]);
    close(s.clientControl.get(1), [0, -4]);
    const [o0, o2] = s.configureRound(ctx(x1, [
      [0, 10],
      [2, 10],
    ]));
    close(o0.linear, [-0.75, -1]);
    close(o2.linear, [0.25, -1]);
    expect(s.wireVectors).toEqual({ down: 2, up: 2 });
    expect(() => s.aggregate(c0, [result(0, f(0, 1), 10, 0, 0.5)])).toThrow(/steps 0/);
  });
});
