import i18next from "i18next";
import { loadApiMessages } from "../lib/apiMessages";
import { describe, expect, it } from "vitest";
import { fieldErrorsOf, problemOf, readCookie, unwrap } from "./client";

describe("API problems", () => {
  it("keeps the per-field errors of a validation failure", () => {
    const error = problemOf(422, {
      title: "Invalid input", detail: "the input is not valid",
      errors: { email: ["Not a valid email address."], tags: { 0: ["Too long."] } },
    });
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual({ email: ["Not a valid email address."], "tags.0": ["Too long."] });
    expect(error.message).toBe("Invalid input: the input is not valid");
  });

  it("speaks the user's language: French title, detail and field messages, same fields", async () => {
    await i18next.init({ lng: "fr", resources: {} });
    await loadApiMessages("fr");
    try {
      const error = problemOf(422, {
        title: "Invalid input", detail: "the contact is not valid",
        errors: { email: ["Not a valid email address."], custom_fields: { size: ["must be a number"], x: ["Who knows."] } },
      });
      expect(error.status).toBe(422);
      expect(error.title).toBe("Saisie non valide");
      expect(error.detail).toBe("le contact n’est pas valide");
      expect(error.fieldErrors).toEqual({ email: ["Ce n’est pas une adresse e-mail valide."],
        "custom_fields.size": ["doit être un nombre"], "custom_fields.x": ["Who knows."] });
      expect(error.message).toBe("Saisie non valide : le contact n’est pas valide");
      await expect(unwrap(Promise.reject(new TypeError("fetch failed")))).rejects
        .toMatchObject({ status: 0, title: "Erreur réseau", detail: "le serveur est injoignable" });
    } finally {
      await i18next.changeLanguage("en");
    }
    expect(problemOf(404, { title: "Not found", detail: "no contact c-1" }).message).toBe("Not found: no contact c-1");
  });

  it("survives a body that is not a problem", () => {
    expect(problemOf(502, "<html>").title).toBe("HTTP 502");
    expect(fieldErrorsOf(null)).toEqual({});
  });

  it("reads the CSRF cookie among others", () => {
    expect(readCookie("a=1; crm_csrf=abc%3D; b=2", "crm_csrf")).toBe("abc=");
    expect(readCookie("a=1", "crm_csrf")).toBeUndefined();
  });
});
