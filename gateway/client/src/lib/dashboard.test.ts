import { describe, expect, it } from "vitest";
import { csvHref, daysOf, formatDay, formatFigure, seriesOf, trendOf, type Kpi } from "./dashboard";

const WON: Kpi = { key: "won_amount", label: "Won", unit: "money", value: { EUR: "1200.50" }, previous: { EUR: "1000.00" }, change: null };
const DEALS: Kpi = { key: "won_deals", label: "Deals won", unit: "count", value: 3, previous: 2, change: 50 };
const RATE: Kpi = { key: "win_rate", label: "Win rate", unit: "percent", value: 37.5, previous: null, change: null };
const RESPONSE: Kpi = { key: "first_response_hours", label: "First response", unit: "hours", value: 2, previous: 4, change: -50 };

describe("dashboard figures", () => {
  it("formats each unit in the locale, money from its decimal strings", () => {
    expect(formatFigure(WON.value, "money", "en-GB")).toBe("€1,200.50");
    expect(formatFigure({ EUR: "10.00", USD: "5.00" }, "money", "en-US")).toBe("€10.00 · $5.00");
    expect(formatFigure({}, "money", "en-GB")).toBe("0");
    expect(formatFigure(37.5, "percent", "en-GB")).toBe("37.5%");
    expect(formatFigure(37.5, "percent", "fr-FR")).toMatch(/^37,5\s?%$/);
    expect(formatFigure(1234, "count", "fr-FR")).toMatch(/^1\s234$/);
    expect(formatFigure(4.5, "hours", "en-GB", { days: "d", hours: "h" })).toBe("4.5 h");
    expect(formatFigure(null, "count", "en-GB")).toBe("—");
  });

  it("tells which way a figure moved and whether that is good news", () => {
    expect(trendOf(DEALS)).toEqual({ direction: "up", percent: 50, good: true });
    expect(trendOf(RESPONSE)).toEqual({ direction: "down", percent: -50, good: true });
    expect(trendOf({ ...RESPONSE, value: 5 })).toMatchObject({ direction: "up", good: false });
    expect(trendOf(RATE)).toBeNull();
    expect(trendOf({ ...DEALS, previous: 3, change: 0 })).toEqual({ direction: "flat", percent: 0, good: null });
    expect(trendOf({ key: "tickets", unit: "count", value: 9, previous: 3, change: 200 })).toMatchObject({ good: null });
  });

  it("compares money in one currency, and not across currencies", () => {
    expect(trendOf(WON)).toEqual({ direction: "up", percent: 20.1, good: true });
    expect(trendOf({ ...WON, previous: {} })).toEqual({ direction: "up", percent: null, good: true });
    expect(trendOf({ ...WON, previous: { USD: "3.00" } })).toBeNull();
  });

  it("groups the charts by kind of figure, money by currency", () => {
    const series = seriesOf([WON, DEALS, RATE, RESPONSE, { key: "x", unit: "count", value: null, previous: null },
      { key: "o", unit: "money", value: { USD: "5.00" }, previous: { EUR: "1.00" } }], (kpi) => kpi.label ?? "?");
    expect(series.map((s) => s.group)).toEqual(["money:EUR", "count", "percent", "duration", "money:USD"]);
    expect(series[0]).toEqual({ group: "money:EUR", keys: ["won_amount", "o"], labels: ["Won", "?"],
      current: [1200.5, 0], previous: [1000, 1] });
    expect(series[2]).toMatchObject({ current: [37.5], previous: [0] });
  });

  it("links a CSV download of the period shown", () => {
    expect(csvHref("/api/v1/reports/pipeline", { period: "quarter", on: undefined }))
      .toBe("/api/v1/reports/pipeline?period=quarter&format=csv");
  });
});

describe("a period's days", () => {
  it("ends the day before its excluded end", () => {
    expect(daysOf({ kind: "month", from: "2026-11-01T00:00:00+00:00", to: "2026-12-01T00:00:00+00:00" }))
      .toEqual({ first: "2026-11-01T00:00:00.000Z", last: "2026-11-30T23:59:59.999Z" });
    expect(daysOf({})).toBeNull();
    expect(daysOf(undefined)).toBeNull();
  });
});

describe("a period's day", () => {
  it("is the UTC day", () => {
    expect(formatDay("2026-11-30T23:59:59.999Z", "en-GB")).toBe("30 Nov 2026");
  });
});
