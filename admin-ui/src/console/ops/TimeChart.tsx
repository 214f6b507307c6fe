import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { consoleOps } from '../../i18n/messages/consoleOps';
import { formatTime } from '../../lib/zonedTime';
import type { ChartData } from './healthSeries';
import { WINDOW_MS } from './healthSeries';

interface TimeChartProps {
  title: string;
  /** Appended to the y-axis values, e.g. ' %'. */
  unit: string;
  data: ChartData;
  /** The right edge of the chart (ms); the left edge is ten minutes before. */
  now: number;
  /** The event's time zone: the axis shows the venue's clock. */
  zone: string;
  /** Fixed y range, e.g. [0, 10] for scores; otherwise from 0 to the data's maximum (at least `minMax`). */
  yRange?: [number, number];
  minMax?: number;
}

// Distinct on a dark background, and in the same order for the same keys on every chart.
const PALETTE = ['#5b8cff', '#2fa565', '#f2a93b', '#e5484d', '#a06cf0', '#1fb5b0', '#f08a3c', '#d9b23a', '#ec6cb9', '#8fa3bf'];
const AXIS = {
  stroke: '#99a3ae',
  grid: { stroke: '#2b313b', width: 1 },
  ticks: { stroke: '#2b313b', width: 1 },
  font: '11px system-ui, sans-serif',
};
const HEIGHT = 170;

function aligned(data: ChartData): uPlot.AlignedData {
  return [data.xs, ...data.series.map((s) => s.values)];
}

/** A uPlot line chart of the last ten minutes; rebuilt when its lines change, otherwise only fed new data. */
export function TimeChart({ title, unit, data, now, zone, yRange, minMax = 1 }: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const nowRef = useRef(now);
  nowRef.current = now;
  const seriesKey = data.series.map((s) => `${s.key}=${s.label}`).join('|');

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => [(nowRef.current - WINDOW_MS) / 1000, nowRef.current / 1000] },
        y: { range: yRange ? () => yRange : (_u, _min, max) => [0, Math.max(minMax, Math.ceil((max ?? 0) * 1.15))] },
      },
      axes: [
        // Ticks as wall-clock minutes on the event's clock: a ten-minute window needs no dates.
        { ...AXIS, values: (_u, splits) => splits.map((seconds) => formatTime(seconds * 1000, zone)) },
        { ...AXIS, size: 64, values: (_u, values) => values.map((v) => `${v}${unit}`) },
      ],
      series: [
        {},
        ...data.series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: true,
          points: { show: false },
        })),
      ],
    };
    const plot = new uPlot(options, aligned(data), element);
    chart.current = plot;
    // Resized on the next frame, and only when the width changed: resizing inside the observer's own
    // callback would make the browser report a ResizeObserver loop.
    let frame = 0;
    const resize = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const width = Math.max(200, element.clientWidth);
        if (width !== plot.width) plot.setSize({ width, height: HEIGHT });
      });
    });
    resize.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [seriesKey, unit, zone]);

  useEffect(() => {
    chart.current?.setData(aligned(data));
  }, [data, now]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} class="chart-canvas" />
      {data.series.length === 0 && <p class="chart-empty">{consoleOps.t('chart.empty')}</p>}
    </figure>
  );
}
