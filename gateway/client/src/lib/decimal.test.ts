import { describe, expect, it } from "vitest";
import { addDecimal } from "./decimal";

describe("addDecimal", () => {
  it("adds and subtracts exactly, at the larger scale", () => {
    expect(addDecimal("0.10", "0.20")).toBe("0.30");
    expect(addDecimal("12000.00", "0.5")).toBe("12000.50");
    expect(addDecimal("100.25", "200.25", -1)).toBe("-100.00");
    expect(addDecimal("99999999999999999.99", "0.01")).toBe("100000000000000000.00");
    expect(addDecimal("5", "5", -1)).toBe("0");
  });

  it("refuses what is not a decimal", () => {
    expect(() => addDecimal("1e3", "1")).toThrow();
  });
});
