import { describe, expect, it } from "vitest";
import type { Ticket } from "../api/client";
import { isOld, slaState, workloads } from "./backlog";
import { messageKeys } from "../i18n";
import { supportMessages } from "../messages/support";

const NOW = Date.parse("2026-11-26T12:00:00Z");
const due = (iso: string, breached = false): Ticket["sla"] => ({ policy_id: "p", paused: false,
  first_response: null, resolution: { due_at: iso, breached, status: breached ? "breached" : "running" } });
const ticket = (id: string, assignee: string | null, sla: Ticket["sla"], created = "2026-11-26T08:00:00Z"): Ticket =>
  ({ id, number: id, assignee_id: assignee, sla, created_at: created });

describe("a team's backlog", () => {
  it("tells where each ticket stands against its SLA", () => {
    expect(slaState(ticket("a", null, due("2026-11-26T11:00:00Z")), NOW)).toBe("breached");
    expect(slaState(ticket("b", null, due("2026-11-26T12:30:00Z")), NOW)).toBe("at_risk");
    expect(slaState(ticket("c", null, due("2026-11-27T12:00:00Z")), NOW)).toBe("running");
    expect(slaState(ticket("d", null, null), NOW)).toBe("none");
  });

  it("groups open tickets by assignee: members by name, others, then the unassigned", () => {
    const names: Record<string, string> = { u1: "Zoe", u2: "Adam", u9: "Former" };
    const tickets = [
      ticket("t1", "u1", due("2026-11-27T12:00:00Z")),
      ticket("t2", "u1", due("2026-11-26T11:00:00Z")),
      ticket("t3", null, null),
      ticket("t4", "u9", due("2026-11-26T12:10:00Z")),
      ticket("t5", "u1", null, "2026-11-01T00:00:00Z"),
    ];
    const loads = workloads(tickets, ["u1", "u2"], (id) => names[id], NOW);
    expect(loads.map((load) => [load.assigneeId, load.member, load.tickets.map((item) => item.id), load.breached, load.atRisk]))
      .toEqual([
        ["u2", true, [], 0, 0],
        ["u1", true, ["t2", "t1", "t5"], 1, 0],
        ["u9", false, ["t4"], 0, 1],
        [null, false, ["t3"], 0, 0],
      ]);
  });

  it("marks tickets older than three days", () => {
    expect(isOld({ created_at: "2026-11-22T12:00:00Z" }, NOW)).toBe(true);
    expect(isOld({ created_at: "2026-11-25T12:00:00Z" }, NOW)).toBe(false);
  });

  it("has every support text in both languages", () => {
    expect(messageKeys(supportMessages.fr).sort()).toEqual(messageKeys(supportMessages.en).sort());
  });
});
