// A support team's backlog as its manager reads it: open tickets per assignee (members
// first, by name, then whoever else holds some, then the unassigned), each person's load
// and breaches, the oldest tickets marked.
import type { Ticket } from "../api/client";
import { slaClock } from "./sla";

export type Workload = { assigneeId: string | null; member: boolean; tickets: Ticket[]; breached: number; atRisk: number };

export const OLD_AFTER_MS = 3 * 86_400_000;
export const AT_RISK_MS = 3_600_000;

/** Where a ticket stands against its SLA now: past it, due within the hour, running, none. */
export function slaState(ticket: Pick<Ticket, "sla">, now: number): "breached" | "at_risk" | "running" | "none" {
  const clock = slaClock(ticket, now);
  if (!clock) return "none";
  if (clock.breached) return "breached";
  return Date.parse(clock.dueAt) - now <= AT_RISK_MS ? "at_risk" : "running";
}

/** Soonest SLA first, tickets without one last, then oldest first. */
function urgency(now: number) {
  const due = (ticket: Ticket) => {
    const clock = slaClock(ticket, now);
    return clock ? Date.parse(clock.dueAt) : Number.POSITIVE_INFINITY;
  };
  return (a: Ticket, b: Ticket) => due(a) - due(b) || Date.parse(a.created_at ?? "") - Date.parse(b.created_at ?? "");
}

export function workloads(tickets: Ticket[], members: string[], nameOf: (id: string) => string | undefined, now: number): Workload[] {
  const groups = new Map<string | null, Ticket[]>();
  for (const id of members) groups.set(id, []);
  for (const ticket of tickets) {
    const key = ticket.assignee_id ?? null;
    groups.set(key, [...(groups.get(key) ?? []), ticket]);
  }
  const memberSet = new Set(members);
  const name = (id: string | null) => (id ? nameOf(id) ?? id : "");
  return [...groups.entries()]
    .map(([assigneeId, held]) => ({
      assigneeId, member: assigneeId !== null && memberSet.has(assigneeId), tickets: [...held].sort(urgency(now)),
      breached: held.filter((ticket) => slaState(ticket, now) === "breached").length,
      atRisk: held.filter((ticket) => slaState(ticket, now) === "at_risk").length,
    }))
    .sort((a, b) => rank(a) - rank(b) || name(a.assigneeId).localeCompare(name(b.assigneeId)));
}

const rank = (load: Workload) => (load.member ? 0 : load.assigneeId ? 1 : 2);

export const isOld = (ticket: Pick<Ticket, "created_at">, now: number) =>
  now - Date.parse(ticket.created_at ?? "") > OLD_AFTER_MS;
