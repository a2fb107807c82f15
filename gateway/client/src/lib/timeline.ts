// The 360 page's timeline: what the view's parts hold, as dated entries, newest first.

export type TimelineEntry = { at: string; kind: "activity" | "ticket" | "deal" | "campaign" | "merge"; title: string; id: string; link?: string };

type Dated = { id?: string; created_at?: string | null; updated_at?: string | null } & Record<string, unknown>;

const list = (value: unknown): Dated[] => Array.isArray(value) ? value as Dated[] : [];
const text = (value: unknown, fallback = ""): string => typeof value === "string" ? value : fallback;

export function timelineOf(view: Record<string, unknown>): TimelineEntry[] {
  const part = (name: string) => (view[name] ?? {}) as Record<string, unknown>;
  const entries: TimelineEntry[] = [];
  for (const activity of [...list(part("activities").recent), ...list(part("activities").upcoming)]) {
    entries.push({ kind: "activity", id: text(activity.id), title: text(activity.subject),
      at: text(activity.completed_at ?? activity.start_at ?? activity.due_at ?? activity.created_at) });
  }
  for (const ticket of [...list(part("tickets").open), ...list(part("tickets").recent)]) {
    entries.push({ kind: "ticket", id: text(ticket.id), link: `/tickets/${text(ticket.id)}`,
      title: `${text(ticket.number)} ${text(ticket.subject)}`.trim(), at: text(ticket.created_at) });
  }
  for (const deal of [...list(part("opportunities").open), ...list(part("opportunities").past)]) {
    entries.push({ kind: "deal", id: text(deal.id), title: text(deal.name),
      at: text(deal.closed_at ?? deal.created_at) });
  }
  for (const campaign of list(view.campaigns)) {
    entries.push({ kind: "campaign", id: text(campaign.id ?? campaign.campaign_id),
      title: text(campaign.name ?? campaign.campaign_name),
      at: text(campaign.sent_at ?? campaign.created_at) });
  }
  for (const merge of list(view.merges)) {
    entries.push({ kind: "merge", id: text(merge.id), title: text(merge.other_id ?? merge.merged_id),
      at: text(merge.created_at ?? merge.merged_at) });
  }
  const seen = new Set<string>();
  return entries
    .filter((entry) => entry.at && !seen.has(`${entry.kind}:${entry.id}`) && seen.add(`${entry.kind}:${entry.id}`))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
}
