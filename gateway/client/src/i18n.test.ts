import { describe, expect, it } from "vitest";
import { en, fr, initialLanguage, messageKeys as keys } from "./i18n";
import { localeFor } from "./locale";

describe("languages", () => {
  it("has every English text in French", () => {
    expect(keys(fr).sort()).toEqual(keys(en).sort());
  });

  it("starts in the stored choice, else the browser's language, else English", () => {
    expect(initialLanguage("fr", ["en-US"])).toBe("fr");
    expect(initialLanguage(null, ["de-DE", "fr-CA", "en"])).toBe("fr");
    expect(initialLanguage(null, ["de-DE"])).toBe("en");
  });

  it("formats in the browser's variant of the chosen language", () => {
    expect(localeFor("en", ["fr-FR", "en-GB"])).toBe("en-GB");
    expect(localeFor("fr", ["en-GB"])).toBe("fr");
  });
});
