import { describe, expect, it } from "vitest";
import { messageKeys } from "../i18n";
import { contactMessages } from "./contacts";

describe("contacts and accounts texts", () => {
  it("has every English text in French", () => {
    expect(messageKeys(contactMessages.fr).sort()).toEqual(messageKeys(contactMessages.en).sort());
  });
});
