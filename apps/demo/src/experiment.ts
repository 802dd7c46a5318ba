import type { ProgressReporter, RgbImage } from '@proj/core';

/** One point of a curve; `series` splits a curve into several coloured lines. */
export interface CurvePoint {
  x: number;
  y: number;
  series?: string;
}

/** What an experiment gets from the runner. */
export interface ExperimentContext {
  /** CI-sized run: must finish in minutes on a 2-core CPU. */
  quick: boolean;
  /** Seeds every random choice of the run (data split, init, batch order). */
  seed: number;
  /** Progress of long loops; silent unless stderr is a TTY and --json is off. */
  reporter: ProgressReporter;
  /** Human-readable log lines; they go to stderr so that stdout stays parseable. */
  log: (msg: string) => void;
  /**
   * Values of the experiment's own flags (see `Experiment.options`): every
   * declared option is present, with its default when the user did not give it
   * (options without a default are absent unless given).
   */
  options: Readonly<Record<string, string | boolean>>;
}

/** A flag of one experiment, e.g. `--model j1j2` for `vmc`. */
export interface ExperimentOption {
  type: 'string' | 'boolean';
  /** One line for `--help` and `list`. */
  description: string;
  default?: string | boolean;
  /** Allowed values of a string option; anything else is a usage error. */
  choices?: readonly string[];
}

/** A picture for the report: a sample grid, an attention map, video frames side by side. */
export interface ReportImage extends RgbImage {
  /** One line shown under the picture. */
  caption?: string;
  /**
   * Frames of an animation (e.g. a reenactment video), all of one size: the
   * report shows them as an animated GIF (also written as `<name>.gif`); the
   * image itself is the still written as `<name>.png`.
   */
  animation?: { frames: RgbImage[]; delayMs: number };
}

/** What an experiment hands back: flat numeric metrics, optional curves and notes. */
export interface ExperimentResult {
  /** Headline numbers, e.g. `{ test_accuracy: 0.97 }`; every value must be a finite number. */
  metrics: Record<string, number>;
  /** Named curves, each drawn as one chart in the HTML report. */
  curves?: Record<string, CurvePoint[]>;
  /** Axis titles per curve name (the chart says "x" and "y" otherwise). */
  axes?: Record<string, { x?: string; y?: string }>;
  /** Free-text remarks shown in the report (setup, caveats). */
  notes?: string[];
  /** Named pictures: each is written as `<name>.png` and shown in the HTML report. */
  images?: Record<string, ReportImage>;
}

/** A reference experiment of one @proj package. */
export interface Experiment {
  /** CLI name, e.g. `core-mnist`: lowercase letters, digits and dashes. */
  name: string;
  /** The package it demonstrates, e.g. `@proj/core`. */
  package: string;
  /** One line for `proj-demo list`. */
  description: string;
  /**
   * Flags this experiment accepts besides the common ones, by long name
   * without dashes. A flag's type must agree across experiments that share it.
   */
  options?: Readonly<Record<string, ExperimentOption>>;
  run(ctx: ExperimentContext): Promise<ExperimentResult>;
}
