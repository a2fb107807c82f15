// A dashboard's figures as the screen shows them: each KPI's value beside the previous
// period's, which way it moved and whether that is good news, and the series its charts draw.
// Money arrives as {currency: decimal string}; it is formatted from the strings.
import { formatMoney, formatNumber } from "./format";

export type Unit = "count" | "percent" | "money" | "days" | "hours" | "rating";
export type Money = Record<string, string>;
export type KpiValue = number | Money | null | undefined;
export type Kpi = {
  key?: string; label?: string; unit?: string;
  value?: unknown; previous?: unknown; change?: number | null;
};

export const PERIODS = ["week", "month", "quarter", "year", "last_7_days", "last_30_days",
  "last_90_days", "last_365_days", "day"] as const;
export type Period = (typeof PERIODS)[number];

// Figures where a fall is the good news: waiting times, cycle length, the backlog.
const LOWER_IS_BETTER = new Set(["first_response_hours", "resolution_hours", "sales_cycle_days", "backlog"]);

// Figures that are neither good nor bad news when they move: the volume of tickets.
const NEUTRAL = new Set(["tickets"]);

const isMoney = (value: unknown): value is Money =>
  !!value && typeof value === "object" && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** One figure in the locale: "€1,200.00 · $50.00", "42", "37.5 %", "4.2 h"; null is "—". */
export function formatFigure(value: unknown, unit: string | undefined, locale: string,
  units: { days: string; hours: string } = { days: "d", hours: "h" }): string {
  if (isMoney(value)) {
    const parts = Object.entries(value).map(([currency, amount]) => formatMoney(amount, currency, locale));
    return parts.length ? parts.join(" · ") : formatNumber(0, locale);
  }
  if (!isNumber(value)) return "—";
  switch (unit) {
    case "percent":
      return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
    case "days": return `${formatNumber(value, locale)} ${units.days}`;
    case "hours": return `${formatNumber(value, locale)} ${units.hours}`;
    case "rating": return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
    default: return formatNumber(value, locale);
  }
}

export type Trend = { direction: "up" | "down" | "flat"; percent: number | null; good: boolean | null };

/** The move from the previous period: the API's `change` for numbers; for money, the
 * change of a single shared currency (several currencies cannot be compared). */
export function trendOf(kpi: Kpi): Trend | null {
  let percent: number | null = kpi.change ?? null;
  let delta: number | null = null;
  if (isNumber(kpi.value) && isNumber(kpi.previous)) {
    delta = kpi.value - kpi.previous;
  } else if (isMoney(kpi.value) || isMoney(kpi.previous)) {
    const now = isMoney(kpi.value) ? kpi.value : {};
    const before = isMoney(kpi.previous) ? kpi.previous : {};
    const currencies = new Set([...Object.keys(now), ...Object.keys(before)]);
    if (currencies.size !== 1) return null;
    const currency = [...currencies][0] ?? "";
    const a = Number(now[currency] ?? "0");
    const b = Number(before[currency] ?? "0");
    delta = a - b;
    percent = b ? Math.round((1000 * (a - b)) / Math.abs(b)) / 10 : null;
  }
  if (delta === null) return null;
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "flat";
  const lowerIsBetter = LOWER_IS_BETTER.has(kpi.key ?? "");
  const good = direction === "flat" || NEUTRAL.has(kpi.key ?? "") ? null : (direction === "up") !== lowerIsBetter;
  return { direction, percent, good };
}

export type Series = {
  /** "count", "percent", "duration", "rating", or "money:EUR". */
  group: string;
  keys: string[];
  labels: string[];
  current: number[];
  previous: number[];
};

const GROUP: Record<string, string> = { count: "count", percent: "percent", days: "duration", hours: "duration", rating: "rating" };

/** The charts of a dashboard: one per kind of figure (counts, rates, durations, ratings,
 * money per currency), each comparing this period's bars with the previous period's. */
export function seriesOf(kpis: Kpi[], labelOf: (kpi: Kpi) => string): Series[] {
  const groups = new Map<string, Series>();
  const add = (group: string, kpi: Kpi, current: number, previous: number) => {
    let series = groups.get(group);
    if (!series) {
      series = { group, keys: [], labels: [], current: [], previous: [] };
      groups.set(group, series);
    }
    series.keys.push(kpi.key ?? "");
    series.labels.push(labelOf(kpi));
    series.current.push(current);
    series.previous.push(previous);
  };
  for (const kpi of kpis) {
    if (kpi.unit === "money") {
      const now = isMoney(kpi.value) ? kpi.value : {};
      const before = isMoney(kpi.previous) ? kpi.previous : {};
      for (const currency of [...new Set([...Object.keys(now), ...Object.keys(before)])].sort()) {
        add(`money:${currency}`, kpi, Number(now[currency] ?? 0), Number(before[currency] ?? 0));
      }
    } else if (GROUP[kpi.unit ?? ""] && (isNumber(kpi.value) || isNumber(kpi.previous))) {
      add(GROUP[kpi.unit ?? ""] ?? "count", kpi, isNumber(kpi.value) ? kpi.value : 0,
        isNumber(kpi.previous) ? kpi.previous : 0);
    }
  }
  return [...groups.values()];
}

/** A CSV download of a report or dashboard for the period shown (the session cookie
 * authorises the plain GET). */
export function csvHref(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) params.set(name, value);
  params.set("format", "csv");
  return `${path}?${params.toString()}`;
}

/** A period's first and last day ({kind, from, to} with `to` excluded), for its heading. */
export function daysOf(period: Record<string, unknown> | undefined): { first: string; last: string } | null {
  const from = typeof period?.from === "string" ? Date.parse(period.from) : NaN;
  const to = typeof period?.to === "string" ? Date.parse(period.to) : NaN;
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return { first: new Date(from).toISOString(), last: new Date(Math.max(from, to - 1)).toISOString() };
}

/** A period's day as the reporting service counts it: in UTC, whatever the browser's zone. */
export function formatDay(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
}
