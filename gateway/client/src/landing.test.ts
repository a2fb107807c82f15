import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { land } from "./App";

const keys = (queries: QueryClient) => queries.getQueryCache().getAll().map((query) => query.queryKey);

describe("a cold load's landing", () => {
  it("asks for the contacts list's first page as the list will, and its saved views", async () => {
    const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    await land(queries, { pathname: "/contacts", search: "?lifecycle_stage=lead&sort=-updated_at&limit=9" } as Location);
    // The default sort and what the list does not filter on are left out, as the list does.
    expect(keys(queries)).toEqual([["contacts", { lifecycle_stage: "lead" }], ["saved-views", "contacts"]]);
  });

  it("asks for nothing on a screen that is not a landing one", async () => {
    const queries = new QueryClient();
    await land(queries, { pathname: "/contacts/new", search: "" } as Location);
    expect(keys(queries)).toEqual([]);
  });
});
