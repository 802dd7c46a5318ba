import { initBackend, silentProgress, tf } from '@proj/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { VISION_SSL_QUICK, runVisionSsl, visionSsl } from '../src/experiments/vision_ssl.js';
import { resolveOptions } from '../src/options.js';

beforeAll(async () => {
  await initBackend();
});

const ctx = (options: Record<string, string> = {}) => ({ quick: true, seed: 1, reporter: silentProgress, log: () => {}, options });

describe('vision-ssl experiment', () => {
  it('declares its flags with choices', () => {
    expect(resolveOptions(visionSsl, {})).toEqual({ preset: 'simclr', tiles: 'mnist' });
    expect(() => resolveOptions(visionSsl, { preset: 'imagenet' })).toThrow(/--preset must be one of mammogram, simclr/);
  });

  it('rejects an unknown SSL method as a usage error', async () => {
    await expect(visionSsl.run(ctx({ methods: 'simclr,moco' }))).rejects.toThrow(/--methods must be a comma-separated subset/);
  });

  it('runs end to end at a tiny size with every metric family, an attention map and no tensor leak', async () => {
    const before = tf.memory().numTensors;
    const r = await runVisionSsl(ctx(), {
      ...VISION_SSL_QUICK,
      methods: ['simclr', 'swav'],
      sslTiles: 128,
      sslSteps: 2,
      batchSize: 32,
      probeTrain: 60,
      probeTest: 60,
      wholeTrain: 24,
      wholeTest: 24,
      grid: 2,
      milEpochs: 2,
      fractions: [0.1, 1],
      fineTuneEpochs: 1,
      bootstrap: 20,
    });
    expect(tf.memory().numTensors).toBe(before);
    for (const [k, v] of Object.entries(r.metrics)) expect(Number.isFinite(v), k).toBe(true);
    for (const name of ['simclr', 'swav', 'random', 'supervised']) expect(r.metrics[`probe_acc_${name}`]).toBeGreaterThanOrEqual(0);
    for (const pooling of ['max', 'mean', 'attention', 'gated']) {
      expect(r.metrics[`auc_${pooling}`]).toBeGreaterThanOrEqual(0);
      expect(r.metrics[`auc_${pooling}_low`]).toBeLessThanOrEqual(r.metrics[`auc_${pooling}_high`]);
    }
    for (const f of [10, 100]) for (const name of ['simclr', 'swav', 'random', 'supervised']) expect(r.metrics[`auc_labels_${f}_${name}`]).toBeDefined();
    const map = r.images?.attention_map;
    expect(map?.channels).toBe(3);
    expect(map?.data.length).toBe(map!.width * map!.height * 3);
    expect(r.curves?.label_efficiency.length).toBe(8);
  }, 120_000);
});
