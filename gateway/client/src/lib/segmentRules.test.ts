import { describe, expect, it } from "vitest";
import {
  apiPath, changeField, emptyGroup, errorsAt, fieldsWith, fromApi, isComplete, kindOf, newCondition,
  toApi, updateAt, type Group,
} from "./segmentRules";

const LEADS: Group = { match: "all", conditions: [
  { field: "lifecycle_stage", op: "eq", value: "lead" },
  { field: "account.tier", op: "in", value: "gold, vip" },
  { match: "any", conditions: [
    { field: "behaviour.opened", op: "eq", value: "true" },
    { field: "behaviour.lead_score", op: "gte", value: "40" },
    { field: "tags", op: "is_set", value: "" },
  ] },
] };

describe("segment rules", () => {
  it("become the API's rules: lists split, flags and numbers typed, no value where none is taken", () => {
    expect(toApi(LEADS)).toEqual({ match: "all", conditions: [
      { field: "lifecycle_stage", op: "eq", value: "lead" },
      { field: "account.tier", op: "in", value: ["gold", "vip"] },
      { match: "any", conditions: [
        { field: "behaviour.opened", op: "eq", value: true },
        { field: "behaviour.lead_score", op: "gte", value: 40 },
        { field: "tags", op: "is_set" },
      ] },
    ] });
  });

  it("come back from the API as the builder shows them", () => {
    expect(fromApi(toApi(LEADS))).toEqual(LEADS);
    expect(fromApi(null)).toEqual(emptyGroup());
  });

  it("compare custom fields as numbers when ordered and numeric", () => {
    const fields = fieldsWith([{ object: "contact", key: "seats" }, { object: "account", key: "region" }]);
    expect(fields.slice(-2).map((field) => field.name)).toEqual(["custom.seats", "account.custom.region"]);
    expect(toApi({ match: "all", conditions: [{ field: "custom.seats", op: "gt", value: "10" },
      { field: "account.custom.region", op: "eq", value: "10" }] }, fields).conditions)
      .toEqual([{ field: "custom.seats", op: "gt", value: 10 }, { field: "account.custom.region", op: "eq", value: "10" }]);
  });

  it("are counted only once every condition is filled in", () => {
    expect(isComplete(LEADS)).toBe(true);
    expect(isComplete(emptyGroup())).toBe(false);
    expect(isComplete({ match: "all", conditions: [{ field: "behaviour.won_deals", op: "gt", value: "many" }] })).toBe(false);
    expect(isComplete({ match: "all", conditions: [] })).toBe(false);
  });

  it("keep the operator when the field changes to one of the same kind, else start over", () => {
    expect(changeField({ field: "city", op: "contains", value: "Par" }, "country"))
      .toEqual({ field: "country", op: "contains", value: "Par" });
    expect(changeField({ field: "city", op: "contains", value: "Par" }, "behaviour.clicked"))
      .toEqual({ field: "behaviour.clicked", op: "eq", value: "true" });
    expect(changeField({ field: "city", op: "eq", value: "x" }, "consent.email"))
      .toEqual({ field: "consent.email", op: "eq", value: "granted" });
    expect(newCondition("tags")).toEqual({ field: "tags", op: "has", value: "" });
    expect(kindOf("custom.unknown")).toBe("custom");
  });

  it("edit, add and remove at a path into nested groups", () => {
    const edited = updateAt(LEADS, [2, 1], (rule) => ({ ...rule, value: "50" }));
    expect(toApi(edited).conditions).toContainEqual(expect.objectContaining({ match: "any" }));
    expect((edited.conditions[2] as Group).conditions[1]).toEqual({ field: "behaviour.lead_score", op: "gte", value: "50" });
    const removed = updateAt(LEADS, [0], () => null);
    expect(removed.conditions).toHaveLength(2);
    expect(LEADS.conditions).toHaveLength(3);
  });

  it("find the API's errors of each condition by its path", () => {
    const errors = { "rules.conditions.2.conditions.1.value": ["a number"], "rules.conditions.0.field": ["unknown field 'x'"],
      "rules.conditions.2.conditions.10.op": ["nope"] };
    expect(apiPath([2, 1])).toBe("rules.conditions.2.conditions.1");
    expect(errorsAt(errors, [2, 1])).toEqual(["a number"]);
    expect(errorsAt(errors, [0])).toEqual(["unknown field 'x'"]);
    expect(errorsAt(errors, [1])).toEqual([]);
  });
});
