import { describe, expect, it } from "vitest";
import { periodLabel, regroup, shareOfLargest, totalsByCurrency, type ForecastRow } from "./forecast";

const row = (period: string | null, owner: string | null, stage: string, currency: string, count: number, amount: string, weighted: string): ForecastRow => ({
  period, owner_id: owner, pipeline_id: "p", stage_id: stage, stage_name: stage.toUpperCase(), currency, count, amount, weighted_amount: weighted,
});

const ROWS = [
  row("2026-12", "ann", "s2", "EUR", 1, "100.10", "50.05"),
  row("2026-11", "ann", "s1", "EUR", 2, "0.20", "0.02"),
  row("2026-11", "bob", "s2", "EUR", 1, "0.10", "0.05"),
  row("2026-11", "bob", "s1", "USD", 1, "10.00", "1.00"),
  row(null, null, "s1", "EUR", 1, "5.00", "0.50"),
];

describe("the forecast regrouped", () => {
  it("sums each period and currency exactly, undated deals last", () => {
    expect(regroup(ROWS, "period").map((line) => [line.group, line.currency, line.count, line.amount, line.weighted])).toEqual([
      ["2026-11", "EUR", 3, "0.30", "0.07"],
      ["2026-11", "USD", 1, "10.00", "1.00"],
      ["2026-12", "EUR", 1, "100.10", "50.05"],
      [null, "EUR", 1, "5.00", "0.50"],
    ]);
  });

  it("groups by owner and by stage in the pipeline's order", () => {
    expect(regroup(ROWS, "owner").map((line) => `${line.group}/${line.currency}/${line.amount}`))
      .toEqual(["ann/EUR/100.30", "bob/EUR/0.10", "bob/USD/10.00", "null/EUR/5.00"]);
    const stages = regroup(ROWS, "stage", new Map([["s1", 0], ["s2", 1]]));
    expect(stages.map((line) => `${line.label}/${line.currency}/${line.count}`)).toEqual(["S1/EUR/3", "S1/USD/1", "S2/EUR/2"]);
  });

  it("totals each currency apart", () => {
    expect(totalsByCurrency(ROWS).map((line) => [line.currency, line.count, line.amount, line.weighted]))
      .toEqual([["EUR", 5, "105.40", "50.62"], ["USD", 1, "10.00", "1.00"]]);
  });

  it("names months and quarters in the locale", () => {
    const quarter = (q: number, year: number) => `Q${q} ${year}`;
    expect(periodLabel("2026-11", "en-GB", quarter)).toBe("November 2026");
    expect(periodLabel("2026-01", "fr", quarter)).toBe("janvier 2026");
    expect(periodLabel("2026-Q4", "en", quarter)).toBe("Q4 2026");
  });

  it("measures a line against the largest of its currency", () => {
    const lines = regroup(ROWS, "period");
    expect(shareOfLargest(lines[2]!, lines)).toBe(1);
    expect(shareOfLargest(lines[1]!, lines)).toBe(1);
    expect(shareOfLargest(lines[3]!, lines)).toBeCloseTo(0.5 / 50.05);
  });
});
