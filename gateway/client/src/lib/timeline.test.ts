import { describe, expect, it } from "vitest";
import { timelineOf } from "./timeline";

describe("the 360 timeline", () => {
  it("merges the parts newest first and skips what is missing", () => {
    const entries = timelineOf({
      activities: { recent: [{ id: "a1", subject: "Call", completed_at: "2026-11-20T10:00:00+00:00" }], upcoming: [] },
      tickets: { open: [{ id: "t1", number: "T-1", subject: "Broken", created_at: "2026-11-25T10:00:00+00:00" }], recent: [] },
      opportunities: null,
      campaigns: null,
    });
    expect(entries.map((entry) => [entry.kind, entry.id])).toEqual([["ticket", "t1"], ["activity", "a1"]]);
    expect(entries[0]?.link).toBe("/tickets/t1");
  });
});
