import { BarChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  ScatterChart,
  AriaComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  SVGRenderer,
]);

/** Ten distinct colours with at least 3:1 contrast on white: no two series of a chart share one. */
export const PALETTE = [
  '#0b4f6c',
  '#c8553d',
  '#2a9d8f',
  '#8a5a00',
  '#6a4c93',
  '#1d6fb8',
  '#9b2226',
  '#4d7c0f',
  '#b5179e',
  '#52606d',
];

export type ChartOption = echarts.EChartsCoreOption;

/** The page's font stack: ECharts measures text with it, so it must name real fonts, not `inherit`. */
const FONT =
  "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

/**
 * An Apache ECharts chart (SVG renderer, tree-shaken), resized with its box. `label` names the chart
 * for screen readers; ECharts' aria component adds a generated description of the data.
 */
export interface LegendItem {
  readonly name: string;
  readonly colour: string;
  /** Shown after the name, already formatted ("4,826"). */
  readonly value?: string;
}

export function Chart({
  option,
  label,
  height = 280,
  legend,
}: {
  option: ChartOption;
  label: string;
  height?: number;
  /** The series, listed under the chart in HTML: it wraps on a narrow screen and never covers an axis. */
  legend?: readonly LegendItem[];
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);

  useEffect(() => {
    if (!ref.current) return;
    const instance = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        color: PALETTE,
        aria: { enabled: true },
        textStyle: { fontFamily: FONT, color: '#1f2933' },
        animation: !window.matchMedia('(prefers-reduced-motion: reduce)').matches,
        animationDuration: 300,
        ...option,
        ...(legend ? { legend: { show: false } } : {}),
      },
      true,
    );
  }, [option, legend]);

  return (
    <>
      <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />
      {legend ? (
        <ul className="chart-legend">
          {legend.map((l) => (
            <li key={l.name}>
              <span className="swatch" style={{ background: l.colour }} aria-hidden="true" />
              {l.name}
              {l.value ? <span className="chart-legend-value"> {l.value}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
