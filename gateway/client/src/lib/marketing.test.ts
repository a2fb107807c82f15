import { describe, expect, it } from "vitest";
import { campaignActions, formatRate, isLive, lineOf, lineRange, localToIso } from "./marketing";

describe("template errors", () => {
  it("point at their line", () => {
    expect(lineOf("line 3: contact has no field 'shoe_size'")).toBe(3);
    expect(lineOf("unexpected end of template")).toBeNull();
  });

  it("select the line they name", () => {
    const text = "Hello\n{{ contact.x }}\nBye";
    expect(lineRange(text, 1)).toEqual([0, 5]);
    expect(text.slice(...lineRange(text, 2))).toBe("{{ contact.x }}");
    expect(text.slice(...lineRange(text, 3))).toBe("Bye");
    expect(lineRange(text, 9)).toEqual([text.length, text.length]);
  });
});

describe("campaigns", () => {
  it("read rates as percentages in the locale", () => {
    expect(formatRate("0.2500", "en-GB")).toBe("25%");
    expect(formatRate("0.1234", "fr-FR")).toMatch(/^12,3\s?%$/);
    expect(formatRate(null, "en-GB")).toBe("—");
  });

  it("offer what the status still allows", () => {
    expect(campaignActions("draft")).toEqual({ send: true, schedule: true, cancel: true, edit: true });
    expect(campaignActions("sending")).toEqual({ send: false, schedule: false, cancel: true, edit: false });
    expect(campaignActions("sent")).toEqual({ send: false, schedule: false, cancel: false, edit: false });
    expect(isLive("sending")).toBe(true);
    expect(isLive("sent")).toBe(false);
  });

  it("schedule from the local time the user typed", () => {
    expect(localToIso("2026-11-27T09:30")).toBe(new Date("2026-11-27T09:30").toISOString());
    expect(localToIso("tomorrow")).toBeNull();
  });
});
