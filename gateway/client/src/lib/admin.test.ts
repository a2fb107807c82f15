import { describe, expect, it } from "vitest";
import { ROLES, SCOPES, keyFromLabel, optionsOf, scopeGroups } from "./admin";

describe("admin vocabulary", () => {
  it("lists each role and scope once", () => {
    expect(new Set(ROLES).size).toBe(ROLES.length);
    expect(new Set(SCOPES).size).toBe(SCOPES.length);
  });

  it("groups scopes by area, keeping their order", () => {
    const groups = scopeGroups(["contacts:read", "sales:read", "accounts:write", "audit:read", "x:y"]);
    expect(groups).toEqual([["customers", ["contacts:read", "accounts:write"]], ["sales", ["sales:read"]],
      ["admin", ["audit:read"]], ["other", ["x:y"]]]);
    expect(scopeGroups(SCOPES).flatMap(([, scopes]) => scopes).sort()).toEqual([...SCOPES].sort());
  });

  it("makes a custom field's key from its label", () => {
    expect(keyFromLabel("Number of seats")).toBe("number_of_seats");
    expect(keyFromLabel("Région d’achat")).toBe("region_d_achat");
    expect(keyFromLabel("2nd phone")).toBe("nd_phone");
    expect(keyFromLabel("  ")).toBe("");
  });

  it("reads enum options from a comma-separated text", () => {
    expect(optionsOf("gold, silver,,gold , bronze")).toEqual(["gold", "silver", "bronze"]);
  });
});
