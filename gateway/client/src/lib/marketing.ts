// Small rules of the template editor and the campaign page: where a template error points,
// how a rate reads, what a campaign in a given status still allows.

/** The line a template error names ("line 3: contact has no field 'x'"), or null. */
export function lineOf(message: string): number | null {
  const match = /^line (\d+)\b/i.exec(message.trim());
  return match ? Number(match[1]) : null;
}

/** The [start, end) offsets of a 1-based line in a text, to select it in the editor. */
export function lineRange(text: string, line: number): [number, number] {
  let start = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf("\n", start);
    if (next < 0) return [text.length, text.length];
    start = next + 1;
  }
  const end = text.indexOf("\n", start);
  return [start, end < 0 ? text.length : end];
}

/** A rate of the API ("0.2500", 0 to 1, null when nothing to divide by) as a percentage. */
export function formatRate(rate: string | null | undefined, locale: string): string {
  if (rate === null || rate === undefined || rate === "" || Number.isNaN(Number(rate))) return "—";
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(Number(rate));
}

export type CampaignStatus = "draft" | "scheduled" | "sending" | "sent" | "cancelled" | "automated";

/** What can still be done with a campaign in this status. */
export function campaignActions(status: string | undefined): { send: boolean; schedule: boolean; cancel: boolean; edit: boolean } {
  return {
    send: status === "draft" || status === "scheduled",
    schedule: status === "draft",
    cancel: status === "draft" || status === "scheduled" || status === "sending",
    edit: status === "draft",
  };
}

/** Whether the metrics still move on their own (mails going out). */
export const isLive = (status: string | undefined): boolean => status === "sending" || status === "scheduled";

/** A local date-time input's value ("2026-11-27T09:30") as an ISO time in UTC. */
export function localToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}
