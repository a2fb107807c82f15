import { describe, expect, it } from "vitest";
import { choicesFor, defaultChoices, differences, reasonOf } from "./merge";

const zoe = { first_name: "Zoë", last_name: "Lefèvre", email: "zoe.lefevre@acme.example", phone: "+33612345678",
  title: "CTO", city: null, tags: ["fr"], custom_fields: { shoe: "38", team: "core" } };
const zoe2 = { first_name: "Zoe", last_name: "Lefèvre", email: "zoe@acme.example", phone: null,
  title: "CTO", city: "Paris", tags: [], custom_fields: { shoe: "38", plan: "gold" } };

describe("a field-by-field merge", () => {
  it("lists the fields that differ, custom fields by key, and not tags", () => {
    expect(differences(zoe, zoe2).map((d) => [d.field, d.mine, d.theirs])).toEqual([
      ["first_name", "Zoë", "Zoe"], ["email", "zoe.lefevre@acme.example", "zoe@acme.example"],
      ["phone", "+33612345678", ""], ["city", "", "Paris"],
      ["custom_fields.plan", "", "gold"], ["custom_fields.team", "core", ""],
    ]);
  });

  it("keeps this contact's value unless it is empty, as the service does", () => {
    const found = differences(zoe, zoe2);
    expect(defaultChoices(found)).toMatchObject({ first_name: "this", city: "other", "custom_fields.plan": "other", phone: "this" });
    expect(choicesFor(found, { email: "other", title: "other" })).toMatchObject({ email: "other", first_name: "this", city: "other" });
    expect(choicesFor(found, { title: "other" })).not.toHaveProperty("title");  // no longer differs
  });

  it("reads the finder's reasons as message keys", () => {
    expect(reasonOf("same email")).toEqual({ key: "same_email" });
    expect(reasonOf("same name at the same company")).toEqual({ key: "same_name_same_company", values: {} });
    expect(reasonOf("similar name (91) at a similar company (88)"))
      .toEqual({ key: "similar_name_similar_company", values: { name: 91, company: 88 } });
    expect(reasonOf("similar name (90), company unknown"))
      .toEqual({ key: "similar_name_unknown_company", values: { name: 90 } });
    expect(reasonOf("same fax")).toEqual({ key: "raw", values: { text: "same fax" } });
  });
});
