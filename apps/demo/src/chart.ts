import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { CurvePoint } from './experiment.js';

export interface ChartOptions {
  title: string;
  xTitle?: string;
  yTitle?: string;
  width?: number;
  height?: number;
}

/** The vega-lite spec of one curve: a line per series, dots when there are few points. */
export function lineChartSpec(points: readonly CurvePoint[], opts: ChartOptions): TopLevelSpec {
  const hasSeries = points.some((p) => p.series !== undefined);
  return {
    width: opts.width ?? 520,
    height: opts.height ?? 260,
    background: 'white',
    title: opts.title,
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: points.length <= 40 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: opts.xTitle ?? 'x' },
      // Accuracy curves live near 1: a zero-based axis would flatten them.
      y: { field: 'y', type: 'quantitative', title: opts.yTitle ?? 'y', scale: { zero: false } },
      ...(hasSeries ? { color: { field: 'series', type: 'nominal', title: 'series' } } : {}),
    },
  };
}

/**
 * Renders a curve to an SVG string in Node: vega-lite compiles the spec to
 * vega, and a headless vega View (renderer 'none') serializes the scene.
 * The namespace attributes are dropped because inline SVG in HTML needs none.
 */
export async function renderLineChartSvg(points: readonly CurvePoint[], opts: ChartOptions): Promise<string> {
  const compiled = vl.compile(lineChartSpec(points, opts)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '');
  } finally {
    view.finalize();
  }
}
