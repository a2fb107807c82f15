import { describe, expect, it } from "vitest";
import { messageKeys } from "../i18n";
import { adminMessages } from "./admin";
import { FIELD_TYPES, ROLES, SCOPES, scopeGroups } from "../lib/admin";

describe("admin texts", () => {
  it("has every English text in French", () => {
    expect(messageKeys(adminMessages.fr).sort()).toEqual(messageKeys(adminMessages.en).sort());
  });

  it("names every role, field type and scope area the screens offer", () => {
    const { roles, field, key } = adminMessages.en.admin;
    expect(ROLES.filter((role) => !(role in roles))).toEqual([]);
    expect(FIELD_TYPES.filter((type) => !(type in field.types))).toEqual([]);
    expect(scopeGroups(SCOPES).map(([area]) => area).filter((area) => !(area in key.areas))).toEqual([]);
  });
});
