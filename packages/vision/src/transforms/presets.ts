/**
 * Augmentation presets: a method's transform is two independent draws of one
 * of these (lightly's split: a method = loss + heads + transform).
 */
import { compose, type Augmentation } from './augmentation.js';
import { gaussianBlur } from './blur.js';
import { cutout } from './cutout.js';
import { horizontalFlip, randomResizedCrop, rotate90, smallRotation, verticalFlip } from './geometric.js';
import { brightness, contrast, gamma } from './intensity.js';
import { gaussianNoise } from './noise.js';

export interface PresetOptions {
  /** Crop area range; SimCLR [0.08, 1]. Small tiles keep more context with a larger minimum. */
  cropScale?: [number, number];
  /** Blur sigma range in pixels (SimCLR's [0.1, 2.0] is for 224-px images). */
  blurSigma?: [number, number];
}

/**
 * SimCLR (Chen et al. 2020, appendix A): random resized crop, horizontal
 * flip, colour jitter with p = 0.8 (strength 0.8: brightness/contrast 0.8)
 * and Gaussian blur with p = 0.5. On grayscale input colour jitter reduces to
 * brightness + contrast and random grayscale is a no-op, so both are left out
 * or reduced accordingly.
 */
export function simclrPreset(options: PresetOptions = {}): Augmentation {
  return compose(
    randomResizedCrop({ scale: options.cropScale ?? [0.08, 1] }),
    horizontalFlip(0.5),
    brightness(0.8 * 0.5, 0.8),
    contrast(0.8 * 0.5, 0.8),
    gaussianBlur({ sigma: options.blurSigma ?? [0.1, 1], p: 0.5 }),
  );
}

/**
 * The "mammogram" preset: grayscale only, no colour jitter. A breast image
 * has no canonical orientation at patch level, so both flips and 90-degree
 * rotations, plus small rotations; intensity changes mimic differences in
 * exposure and detector response (brightness, contrast, gamma), noise and
 * blur mimic acquisition, cutout hides part of the patch. Our choice of
 * transforms and ranges, following the abstract of arXiv:2203.08812
 * (its exact transformation set is not reachable).
 */
export function mammogramPreset(options: PresetOptions = {}): Augmentation {
  return compose(
    randomResizedCrop({ scale: options.cropScale ?? [0.3, 1] }),
    horizontalFlip(0.5),
    verticalFlip(0.5),
    rotate90(),
    smallRotation(15),
    brightness(0.2, 0.8),
    contrast(0.4, 0.8),
    gamma([0.7, 1.5], 0.5),
    gaussianBlur({ sigma: options.blurSigma ?? [0.1, 1], p: 0.3 }),
    gaussianNoise([0, 0.05], 0.3),
    cutout(0.25, 0.3),
  );
}
