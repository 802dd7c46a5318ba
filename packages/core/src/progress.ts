import cliProgress from 'cli-progress';

/** What long-running library loops report to; the caller decides how to show it. */
export interface ProgressReporter {
  start(total: number, label?: string): void;
  /** `n` units done since the last tick, with the latest metrics. */
  tick(metrics?: Record<string, number>, n?: number): void;
  end(): void;
}

/** Reports nothing. The default of every loop. */
export const silentProgress: ProgressReporter = {
  start() {},
  tick() {},
  end() {},
};

function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${Math.abs(v) >= 1000 || Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4)}`)
    .join(' ');
}

export interface TerminalProgressOptions {
  /** Where to draw; defaults to stderr so that stdout stays machine-readable. */
  stream?: NodeJS.WriteStream;
  /** Machine-readable mode (e.g. `--json`): draw nothing. */
  json?: boolean;
}

/**
 * A progress bar (cli-progress) with ETA and the latest metrics. Silent when
 * the stream is not a TTY or in JSON mode, so logs and pipes stay clean.
 */
export function terminalProgress(opts: TerminalProgressOptions = {}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  if (opts.json || !stream.isTTY) return silentProgress;
  let bar: cliProgress.SingleBar | null = null;
  let done = 0;
  return {
    start(total, label = '') {
      bar?.stop();
      done = 0;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: `${label ? label + ' ' : ''}{bar} {value}/{total} | ETA {eta_formatted} | {metrics}`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { metrics: '' });
    },
    tick(metrics = {}, n = 1) {
      done += n;
      bar?.update(done, { metrics: formatMetrics(metrics) });
    },
    end() {
      bar?.stop();
      bar = null;
    },
  };
}
