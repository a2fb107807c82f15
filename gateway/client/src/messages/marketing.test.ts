import { describe, expect, it } from "vitest";
import { messageKeys } from "../i18n";
import { marketingMessages } from "./marketing";
import { FIELDS, OPERATORS } from "../lib/segmentRules";

describe("marketing texts", () => {
  it("has every English text in French", () => {
    expect(messageKeys(marketingMessages.fr).sort()).toEqual(messageKeys(marketingMessages.en).sort());
  });

  it("names every field and operator the segment builder offers", () => {
    const { fields, ops } = marketingMessages.en.mkt.segment;
    expect(FIELDS.filter((field) => !(field.name in fields))).toEqual([]);
    expect(Object.values(OPERATORS).flat().filter((op) => !(op in ops))).toEqual([]);
  });
});
