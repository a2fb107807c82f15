import { describe, expect, it } from "vitest";
import { fieldErrorsOf, problemOf, readCookie } from "./client";

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

  it("survives a body that is not a problem", () => {
    expect(problemOf(502, "<html>").title).toBe("HTTP 502");
    expect(fieldErrorsOf(null)).toEqual({});
  });

  it("reads the CSRF cookie among others", () => {
    expect(readCookie("a=1; crm_csrf=abc%3D; b=2", "crm_csrf")).toBe("abc=");
    expect(readCookie("a=1", "crm_csrf")).toBeUndefined();
  });
});
