// The customer portal's rules that need no screen: what a failed sign-in link means, and a
// request's conversation as the customer reads it.
import type { Schemas } from "../api/client";

export type PortalTicket = Schemas["PortalTicketOut"];
export type PortalEntry = { id: string; body: string; author: "you" | "agent" | "system"; at: string };

/** Why a mailed link did not sign the contact in, from the answer's status. */
export function linkProblem(status: number): "used" | "expired" | "invalid" {
  if (status === 409) return "used";
  if (status === 410) return "expired";
  return "invalid";
}

/** The request's description first (it is the customer's first message), then the public
 * messages in time order. */
export function conversation(ticket: PortalTicket): PortalEntry[] {
  const entries: PortalEntry[] = [];
  if (ticket.description) {
    entries.push({ id: `${ticket.id}-description`, body: ticket.description, author: "you", at: ticket.created_at ?? "" });
  }
  for (const message of ticket.messages ?? []) {
    const author = message.author_type === "customer" ? "you" : message.author_type === "system" ? "system" : "agent";
    entries.push({ id: message.id ?? "", body: message.body ?? "", author, at: message.created_at ?? "" });
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Where to go after signing in: a portal page the contact asked for, else their requests. */
export function afterSignIn(next: string | null): string {
  return next && next.startsWith("/portal/") && !next.startsWith("/portal/sign-in") && !next.includes("//") ? next : "/portal";
}
