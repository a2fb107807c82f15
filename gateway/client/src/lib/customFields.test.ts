import { describe, expect, it } from "vitest";
import { customBody, customDraft, shownValue, type CustomField } from "./customFields";

const FIELDS: CustomField[] = [
  { key: "budget", label: "Budget", type: "number" },
  { key: "renewal", label: "Renewal", type: "date" },
  { key: "tier", label: "Tier", type: "enum", options: ["gold", "silver"] },
  { key: "partner", label: "Partner", type: "boolean" },
  { key: "notes", label: "Notes", type: "text" },
];

describe("custom fields in a form", () => {
  it("puts every defined field in the draft as text, blank when the record has none", () => {
    expect(customDraft(FIELDS, { budget: 1200.5, partner: false, tier: "gold", gone: "x" })).toEqual({
      "custom_fields.budget": "1200.5", "custom_fields.renewal": "", "custom_fields.tier": "gold",
      "custom_fields.partner": "false", "custom_fields.notes": "",
    });
  });

  it("sends a new record's filled fields only, typed as the API takes them", () => {
    const draft = customDraft(FIELDS, {});
    expect(customBody(FIELDS, draft)).toBeUndefined();
    draft["custom_fields.budget"] = " 1 200 ".trim();
    draft["custom_fields.partner"] = "true";
    draft["custom_fields.notes"] = "  spaces kept  ";
    expect(customBody(FIELDS, draft)).toEqual({ budget: "1 200", partner: true, notes: "  spaces kept  " });
  });

  it("sends an edit's changed fields only, a cleared one as null", () => {
    const base = customDraft(FIELDS, { budget: 10, tier: "gold", partner: true });
    const draft = { ...base, "custom_fields.tier": "", "custom_fields.partner": "false" };
    expect(customBody(FIELDS, draft, base)).toEqual({ tier: null, partner: false });
    expect(customBody(FIELDS, base, base)).toBeUndefined();
  });

  it("shows stored values in the reader's locale", () => {
    const yesNo: [string, string] = ["Oui", "Non"];
    expect(shownValue(FIELDS[0]!, 1200.5, "fr", yesNo).replace(/\u202f/g, " ")).toBe("1 200,5");
    expect(shownValue(FIELDS[1]!, "2026-03-01", "en", yesNo)).toBe("Mar 1, 2026");
    expect(shownValue(FIELDS[3]!, false, "fr", yesNo)).toBe("Non");
    expect(shownValue(FIELDS[4]!, null, "fr", yesNo)).toBe("");
  });
});
