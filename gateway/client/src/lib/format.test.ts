import { describe, expect, it, vi } from "vitest";
import { formatDate, formatMoney, formatNumber, formatTimeLeft } from "./format";

// Intl puts narrow no-break spaces in French numbers: compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatting per locale", () => {
  it("formats money from its decimal string", () => {
    expect(plain(formatMoney("12000.50", "EUR", "fr"))).toBe("12 000,50 €");
    expect(formatMoney("12000.50", "EUR", "en")).toBe("€12,000.50");
    expect(formatMoney("0.1", "USD", "en-US")).toBe("$0.10");
    // No float on the way: a huge amount keeps its cents.
    expect(formatMoney("90071992547409.99", "EUR", "en")).toBe("€90,071,992,547,409.99");
  });

  it("formats numbers and dates", () => {
    expect(plain(formatNumber(1234567.5, "fr"))).toBe("1 234 567,5");
    expect(formatNumber(1234567.5, "en")).toBe("1,234,567.5");
    expect(formatDate("2026-11-26T10:00:00Z", "fr")).toBe("26 nov. 2026");
    expect(formatDate("2026-11-26T10:00:00Z", "en")).toBe("Nov 26, 2026");
  });

  it("shows a calendar day as that day whatever the browser's time zone", () => {
    vi.stubEnv("TZ", "America/Los_Angeles");  // where UTC midnight is still the day before
    try {
      expect(formatDate("2026-11-26", "en")).toBe("Nov 26, 2026");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("tells time left and time overdue", () => {
    const now = Date.parse("2026-11-26T10:00:00Z");
    expect(formatTimeLeft("2026-11-26T13:00:00Z", now, "en")).toBe("in 3 hours");
    expect(formatTimeLeft("2026-11-26T13:00:00Z", now, "fr")).toBe("dans 3 heures");
    expect(formatTimeLeft("2026-11-24T10:00:00Z", now, "en")).toBe("2 days ago");
    expect(formatTimeLeft("2026-11-26T10:20:00Z", now, "fr")).toBe("dans 20 minutes");
  });
});
