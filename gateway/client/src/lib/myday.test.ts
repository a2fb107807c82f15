import { describe, expect, it } from "vitest";
import type { Activity } from "../api/client";
import { groupDay } from "./myday";

const task = (id: string, due: string | null, extra: Partial<Activity> = {}): Activity =>
  ({ id, type: "task", subject: id, due_at: due, ...extra });

describe("my day", () => {
  it("puts overdue first, then today by time, then undated; done ones are gone", () => {
    const now = Date.parse("2026-11-26T12:00:00Z");
    const groups = groupDay([
      task("later", "2026-11-26T17:00:00Z"), task("none", null), task("late2", "2026-11-25T09:00:00Z"),
      task("soon", "2026-11-26T13:00:00Z"), task("late1", "2026-11-20T09:00:00Z"),
      task("done", "2026-11-20T09:00:00Z", { completed_at: "2026-11-21T00:00:00Z" }),
      task("meeting", null, { type: "meeting", start_at: "2026-11-26T11:00:00Z" }),
    ], now);
    expect(groups.overdue.map((a) => a.id)).toEqual(["late1", "late2", "meeting"]);
    expect(groups.today.map((a) => a.id)).toEqual(["soon", "later"]);
    expect(groups.undated.map((a) => a.id)).toEqual(["none"]);
  });
});
