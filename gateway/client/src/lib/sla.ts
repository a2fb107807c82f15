// What a ticket's SLA says now: the next running target (first response, then resolution).
import type { Ticket } from "../api/client";

export type SlaClock = { kind: "first_response" | "resolution"; dueAt: string; breached: boolean } | null;

type Target = { due_at?: string | null; status?: string; breached?: boolean; met_at?: string | null } | null | undefined;

export function slaClock(ticket: Pick<Ticket, "sla">, now: number): SlaClock {
  const sla = (ticket.sla ?? null) as { first_response?: Target; resolution?: Target; paused?: boolean } | null;
  if (!sla) return null;
  for (const kind of ["first_response", "resolution"] as const) {
    const target = sla[kind];
    if (!target || !target.due_at || target.met_at || target.status === "met" || target.status === "none") continue;
    return { kind, dueAt: target.due_at, breached: Boolean(target.breached) || Date.parse(target.due_at) < now };
  }
  return null;
}

