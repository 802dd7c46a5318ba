import { initBackend, silentProgress, tf } from '@proj/core';
import { describe, expect, it } from 'vitest';
import { DAGAN_QUICK, dagan, runDagan } from '../src/experiments/dagan.js';
import { defaultRegistry } from '../src/registry.js';

describe('dagan', () => {
  it('is registered under @proj/gan', () => {
    expect(defaultRegistry().get('dagan')).toBe(dagan);
  });

  it(
    "runs every stage at a tiny size: the issue's metric names, the side-by-side picture and the reenactment animation, no tensor leak",
    async () => {
      await initBackend();
      const before = tf.memory().numTensors;
      const result = await runDagan(
        { quick: true, seed: 0, reporter: silentProgress, log: () => {}, options: {} },
        { ...DAGAN_QUICK, size: 16, trainVideos: 3, testVideos: 2, frames: 3, depthSteps: 2, depthBatch: 2, featureSteps: 2, landmarkSteps: 2, ganSteps: 2, ganBatch: 2, numKp: 3, width: 2 },
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(Object.keys(result.metrics)).toEqual([
        'depth_corr', 'depth_corr_frame', 'ssim', 'psnr', 'akd', 'l1', 'ssim_nodepth', 'psnr_nodepth', 'akd_nodepth', 'l1_nodepth', 'ssim_copy_source', 'ssim_no_motion', 'ssim_nodepth_no_motion', 'cpu_seconds',
      ]);
      for (const v of Object.values(result.metrics)) expect(Number.isFinite(v)).toBe(true);
      const { side_by_side: grid, reenactment } = result.images!;
      // 2 clips x 3 driving frames rows of 4 tiles of 16 px with 2 px padding.
      expect([grid!.width, grid!.height]).toEqual([4 * 18 + 2, 2 * 3 * 18 + 2]);
      expect(reenactment!.animation!.frames).toHaveLength(2);
    },
    120_000,
  );
});
