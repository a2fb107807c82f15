// The forecast's rows regrouped the way the manager asks (by period, owner or stage), each
// currency apart: amounts of different currencies are never added together.
import type { Schemas } from "../api/client";
import { addDecimal } from "./decimal";

export type ForecastRow = Schemas["ForecastRowOut"];
export type Grouping = "period" | "owner" | "stage";
export type ForecastLine = {
  key: string; group: string | null; label?: string; currency: string;
  count: number; amount: string; weighted: string;
};

const groupOf = (row: ForecastRow, by: Grouping): string | null =>
  by === "period" ? row.period ?? null : by === "owner" ? row.owner_id ?? null : row.stage_id ?? null;

/** One line per (group, currency), summed exactly. Periods run in time with undated deals
 * last; stages follow `stageOrder` (their position in the pipeline); owners keep their
 * first appearance, for the caller to sort by name. */
export function regroup(rows: ForecastRow[], by: Grouping, stageOrder: Map<string, number> = new Map()): ForecastLine[] {
  const lines = new Map<string, ForecastLine>();
  for (const row of rows) {
    const group = groupOf(row, by);
    const currency = row.currency ?? "";
    const key = `${group ?? ""}|${currency}`;
    const line = lines.get(key) ?? {
      key, group, label: by === "stage" ? row.stage_name : undefined, currency, count: 0, amount: "0", weighted: "0",
    };
    line.count += row.count ?? 0;
    line.amount = addDecimal(line.amount, row.amount ?? "0");
    line.weighted = addDecimal(line.weighted, row.weighted_amount ?? "0");
    lines.set(key, line);
  }
  const all = [...lines.values()];
  if (by === "period") {
    all.sort((a, b) => (a.group === null ? 1 : 0) - (b.group === null ? 1 : 0)
      || (a.group ?? "").localeCompare(b.group ?? "") || a.currency.localeCompare(b.currency));
  } else if (by === "stage") {
    const position = (line: ForecastLine) => stageOrder.get(line.group ?? "") ?? Number.MAX_SAFE_INTEGER;
    all.sort((a, b) => position(a) - position(b) || a.currency.localeCompare(b.currency));
  }
  return all;
}

/** The whole forecast per currency. */
export function totalsByCurrency(rows: ForecastRow[]): ForecastLine[] {
  return regroup(rows.map((row) => ({ ...row, period: "all" })), "period")
    .map((line) => ({ ...line, group: null, key: line.currency }));
}

/** "2026-11" as the locale's month ("November 2026"), "2026-Q4" through `quarter`. */
export function periodLabel(period: string, locale: string, quarter: (q: number, year: number) => string): string {
  const quarterly = /^(\d{4})-Q([1-4])$/.exec(period);
  if (quarterly) return quarter(Number(quarterly[2]), Number(quarterly[1]));
  const monthly = /^(\d{4})-(\d{2})$/.exec(period);
  if (!monthly) return period;
  return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" })
    .format(Date.UTC(Number(monthly[1]), Number(monthly[2]) - 1, 1));
}

/** A line's weighted amount as a share (0..1) of the largest one in its currency. */
export function shareOfLargest(line: ForecastLine, lines: ForecastLine[]): number {
  const largest = Math.max(...lines.filter((other) => other.currency === line.currency).map((other) => Number(other.weighted)));
  return largest > 0 ? Number(line.weighted) / largest : 0;
}
