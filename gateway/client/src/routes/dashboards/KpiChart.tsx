// A bar chart of one kind of figure, this period beside the previous one. Chart.js is
// imported here only, and this module is loaded lazily: the figures show first and the
// library stays out of every other screen's chunks.
import { useEffect, useRef } from "react";
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip,
} from "chart.js";
import "./chart.css";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export type KpiChartProps = {
  title: string;
  labels: string[];
  current: number[];
  /** The previous period's bars; none for a chart of this period alone. */
  previous?: number[];
  currentLabel: string;
  previousLabel?: string;
  locale: string;
  format: (value: number) => string;
  /** Counts: no fractional ticks. */
  integer?: boolean;
};

export default function KpiChart({ title, labels, current, previous, currentLabel, previousLabel, locale, format, integer = false }: KpiChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels,
        datasets: [
          ...(previous ? [{ label: previousLabel ?? "", data: previous, backgroundColor: "#9fb3c8", borderColor: "#4a6785", borderWidth: 1 }] : []),
          { label: currentLabel, data: current, backgroundColor: "#1f4e79" },
        ],
      },
      options: {
        locale,
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom", display: !!previous },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } },
        },
        scales: { y: { beginAtZero: true, ticks: { precision: integer ? 0 : undefined, callback: (value) => format(Number(value)) } } },
      },
    });
    return () => chart.destroy();
  }, [labels, current, previous, currentLabel, previousLabel, locale, format, integer]);
  // The canvas is a picture for sight; its figures are in the cards above and in the
  // label read out by screen readers.
  const summary = labels.map((label, index) => previous
    ? `${label}: ${currentLabel} ${format(current[index] ?? 0)}, ${previousLabel} ${format(previous[index] ?? 0)}`
    : `${label}: ${format(current[index] ?? 0)}`).join("; ");
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <canvas ref={canvas} role="img" aria-label={`${title}. ${summary}`} />
      </div>
    </figure>
  );
}
