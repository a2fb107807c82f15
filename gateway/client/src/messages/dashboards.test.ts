import { describe, expect, it } from "vitest";
import { messageKeys } from "../i18n";
import { dashboardMessages } from "./dashboards";

describe("dashboard texts", () => {
  it("has every English text in French", () => {
    expect(messageKeys(dashboardMessages.fr).sort()).toEqual(messageKeys(dashboardMessages.en).sort());
  });
});
