import { describe, expect, it } from "vitest";
import { changedFields, rebase } from "./conflict";

const base = { first_name: "Ada", title: "", city: "Paris" };

describe("a stale edit", () => {
  it("lists what the other person changed, beside the user's value", () => {
    const theirs = { ...base, title: "CTO", city: "Lyon" };
    const mine = { ...base, city: "Nantes" };
    expect(changedFields(base, theirs, mine)).toEqual([
      { field: "title", theirs: "CTO", mine: "" },
      { field: "city", theirs: "Lyon", mine: "Nantes" },
    ]);
  });

  it("keeps their change where the user changed nothing, and the user's elsewhere", () => {
    const theirs = { ...base, title: "CTO", city: "Lyon" };
    const mine = { ...base, first_name: "Ada L.", city: "Nantes" };
    expect(rebase(base, theirs, mine)).toEqual({ first_name: "Ada L.", title: "CTO", city: "Nantes" });
  });
});
