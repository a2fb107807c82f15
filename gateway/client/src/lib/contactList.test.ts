import { describe, expect, it } from "vitest";
import { accountQuery, exportHref, paramsOf, queryOf, rowAfterKey, sameQuery, viewMatching } from "./contactList";

describe("the contacts list's query", () => {
  it("keeps the list's own parameters, not blanks, paging or the default sort", () => {
    const params = new URLSearchParams("q=+dupont+&city=&cursor=abc&limit=10&sort=-updated_at&lifecycle_stage=lead&x=1");
    expect(queryOf(params)).toEqual({ q: "dupont", lifecycle_stage: "lead" });
    expect(queryOf({ sort: "last_name", country: "FR" })).toEqual({ sort: "last_name", country: "FR" });
    expect(queryOf({ sort: "password" })).toEqual({});
  });

  it("compares two spellings of one query as equal", () => {
    expect(sameQuery({ q: "a", sort: "-updated_at" }, { q: "a" })).toBe(true);
    expect(sameQuery({ q: "a" }, { q: "a", city: "Paris" })).toBe(false);
    expect(sameQuery({}, {})).toBe(true);
  });

  it("finds the saved view the list shows now", () => {
    const views: { name: string; query: Record<string, string> }[] = [{ name: "Paris", query: { city: "Paris" } }, { name: "Leads", query: { lifecycle_stage: "lead", sort: "last_name" } }];
    expect(viewMatching(views, { sort: "last_name", lifecycle_stage: "lead" })?.name).toBe("Leads");
    expect(viewMatching(views, { city: "Lyon" })).toBeUndefined();
  });

  it("replays the query in the address bar and in the export", () => {
    expect(paramsOf({ sort: "last_name", q: "a b" }).toString()).toBe("q=a+b&sort=last_name");
    expect(exportHref({ lifecycle_stage: "customer", tag: "vip" }))
      .toBe("/api/v1/contacts/export.csv?lifecycle_stage=customer&tag=vip");
    expect(exportHref({})).toBe("/api/v1/contacts/export.csv");
  });
});

describe("keyboard moves in the list", () => {
  it("moves by one, by a page, to the ends, and stays within the loaded rows", () => {
    expect(rowAfterKey("ArrowDown", 0, 50, 10)).toBe(1);
    expect(rowAfterKey("ArrowUp", 0, 50, 10)).toBe(0);
    expect(rowAfterKey("PageDown", 45, 50, 10)).toBe(49);
    expect(rowAfterKey("PageUp", 5, 50, 10)).toBe(0);
    expect(rowAfterKey("End", 3, 50, 10)).toBe(49);
    expect(rowAfterKey("Home", 30, 50, 10)).toBe(0);
    expect(rowAfterKey("a", 3, 50, 10)).toBeNull();
    expect(rowAfterKey("ArrowDown", 0, 0, 10)).toBeNull();
  });
});

describe("the accounts list's query", () => {
  it("keeps the accounts' own parameters, with name as the default sort", () => {
    expect(accountQuery.queryOf(new URLSearchParams("q=acme&tier=gold&sort=name&city=Paris")))
      .toEqual({ q: "acme", tier: "gold" });
    expect(accountQuery.queryOf({ sort: "-updated_at", lifecycle_stage: "lead" })).toEqual({ sort: "-updated_at" });
  });
});
