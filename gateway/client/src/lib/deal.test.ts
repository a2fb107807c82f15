import { describe, expect, it } from "vitest";
import { dealActions, decimalInput, emptyLine, formatDuration, lineErrors, linesBody, localToIso, quoteActions } from "./deal";
import { messageKeys } from "../i18n";
import { salesMessages } from "../messages/sales";

describe("the deal page's rules", () => {
  it("offers what the deal's and the quote's states allow", () => {
    expect(dealActions("open")).toEqual(["edit", "win", "lose"]);
    expect(dealActions("won")).toEqual(["reopen"]);
    expect(dealActions("lost")).toEqual(["reopen"]);
    expect(quoteActions("draft")).toEqual(["send"]);
    expect(quoteActions("sent")).toEqual(["accept", "reject"]);
    expect(quoteActions("accepted")).toEqual([]);
    expect(quoteActions("expired")).toEqual([]);
  });

  it("reads decimals typed the French or the English way", () => {
    expect(decimalInput("1 234,50")).toBe("1234.50");
    expect(decimalInput("1\u202f234,5")).toBe("1234.5");
    expect(decimalInput("1,234.50")).toBe("1234.50");
    expect(decimalInput("1.234,50")).toBe("1234.50");
    expect(decimalInput(" 12 ")).toBe("12");
    expect(decimalInput("")).toBe("");
    expect(decimalInput("twelve")).toBe("twelve");
  });

  it("sends a quote's lines without their blanks", () => {
    const typed = { ...emptyLine(), productId: "p1", quantity: "2", unitPrice: "", discount: "10", tax: "20,5" };
    const free = { ...emptyLine(), description: " Set-up ", quantity: "1", unitPrice: "1 500,00" };
    expect(linesBody([typed, free])).toEqual([
      { product_id: "p1", quantity: "2", discount_percent: "10", tax_rate: "20.5" },
      { description: "Set-up", quantity: "1", unit_price: "1500.00" },
    ]);
    expect(emptyLine().key).not.toBe(emptyLine().key);
  });

  it("finds each line's field errors", () => {
    const errors = { "lines.1.unit_price": ["give a unit price"], "lines.10.quantity": ["no"], currency: ["bad"] };
    expect(lineErrors(errors, 1)).toEqual({ unit_price: ["give a unit price"] });
    expect(lineErrors(errors, 0)).toEqual({});
  });

  it("tells a time span in its largest unit", () => {
    expect(formatDuration(3 * 86_400 + 500, "en")).toBe("3 days");
    expect(formatDuration(7_200, "fr").replace(/\s/g, " ")).toBe("2 heures");
    expect(formatDuration(59, "en")).toBe("59 seconds");
  });

  it("turns the user's local time into UTC", () => {
    expect(localToIso("")).toBeNull();
    expect(localToIso("2026-11-27T09:30")).toBe(new Date(2026, 10, 27, 9, 30).toISOString());
  });

  it("has every sales text in both languages", () => {
    expect(messageKeys(salesMessages.fr).sort()).toEqual(messageKeys(salesMessages.en).sort());
  });
});
