/**
 * One chart of the overview: ECharts on a canvas, with only the charts and components the overview
 * draws registered (the page is its own chunk, and so is what it imports). The chart follows the
 * console's language (ECharts' own strings too), and is an image to assistive technology whose name is
 * the chart's title, what it shows and what it says; the same summary is written under it.
 */
import type { BarSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import {
  AriaComponent,
  GridComponent,
  LegendPlainComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from 'echarts/components';
import { type ComposeOption, type ECharts, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

use([
  LineChart,
  BarChart,
  HeatmapChart,
  GridComponent,
  LegendPlainComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  AriaComponent,
  CanvasRenderer,
]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

export function OverviewChart({
  option,
  title,
  description,
  summary,
  height = 300,
  testId,
}: {
  option: ChartOption;
  title: string;
  description: string;
  /** what the chart says, in words: shown under it and read out as part of its name */
  summary: string;
  height?: number;
  testId: string;
}) {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'EN' : 'ZH';
  const box = useRef<HTMLDivElement>(null);
  const [chart, setChart] = useState<ECharts | undefined>(undefined);
  const name = `${title}. ${description} ${summary}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = init(el, undefined, { renderer: 'canvas', locale });
    setChart(c);
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      setChart(undefined);
      c.dispose();
    };
  }, [locale]);

  useEffect(() => {
    // ECharts writes the aria label on the box itself: the same words React gives it
    chart?.setOption({ ...option, aria: { enabled: true, label: { description: name } } }, true);
  }, [chart, option, name]);

  return (
    <figure style={{ margin: 0 }} data-testid={testId}>
      <div ref={box} role="img" aria-label={name} style={{ height, width: '100%' }} />
      <figcaption style={{ fontSize: 13, color: 'rgba(0, 0, 0, 0.65)', marginTop: 4 }}>{summary}</figcaption>
    </figure>
  );
}
