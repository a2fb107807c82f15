// Merging a duplicate into a contact, field by field: which fields differ, what the merge
// keeps when the user picks nothing (the service's rule), and the `choices` it takes.

export type Side = "this" | "other";
type Record_ = { custom_fields?: Record<string, unknown> | null } & Record<string, unknown>;

/** The fields a user chooses between; the account and the owner follow the service's rule
 * (the survivor's unless empty), and tags are always combined. */
export const MERGE_FIELDS = ["first_name", "last_name", "email", "phone", "title", "lifecycle_stage",
  "source", "address_line", "city", "postal_code", "country"] as const;

export type FieldDifference = { field: string; custom: boolean; mine: string; theirs: string };

const shown = (value: unknown): string =>
  value == null ? "" : Array.isArray(value) ? value.join(", ") : String(value).trim();

/** The fields whose values differ between the two contacts, standard ones first. */
export function differences(survivor: Record_, other: Record_): FieldDifference[] {
  const found: FieldDifference[] = [];
  for (const field of MERGE_FIELDS) {
    const mine = shown(survivor[field]), theirs = shown(other[field]);
    if (mine !== theirs) found.push({ field, custom: false, mine, theirs });
  }
  const ours = survivor.custom_fields ?? {}, yours = other.custom_fields ?? {};
  for (const key of [...new Set([...Object.keys(ours), ...Object.keys(yours)])].sort()) {
    const mine = shown(ours[key]), theirs = shown(yours[key]);
    if (mine !== theirs) found.push({ field: `custom_fields.${key}`, custom: true, mine, theirs });
  }
  return found;
}

/** What the merge keeps unless told: the survivor's value, or the other's where it is empty. */
export function defaultChoices(found: readonly FieldDifference[]): Record<string, Side> {
  return Object.fromEntries(found.map((difference) => [difference.field, difference.mine ? "this" : "other"]));
}

/** The choices to send for the fields that still differ (a stale page may hold others). */
export function choicesFor(found: readonly FieldDifference[], picked: Record<string, Side>): Record<string, Side> {
  const defaults = defaultChoices(found);
  return Object.fromEntries(found.map((difference) => [difference.field, picked[difference.field] ?? defaults[difference.field]!]));
}

export type Reason = { key: string; values?: Record<string, string | number> };

/** The duplicate finder's reasons ("same email", "similar name (91) at the same company")
 * as message keys with their values, so that they read in the user's language. */
export function reasonOf(text: string): Reason {
  if (text === "same email" || text === "same phone") return { key: text.replace(" ", "_") };
  const name = /^(same name|similar name \((\d+)\))(?:, company unknown| at (the same company|a similar company \((\d+)\)))$/.exec(text);
  if (!name) return { key: "raw", values: { text } };
  const similar: Record<string, number> = name[2] ? { name: Number(name[2]) } : {};
  if (text.endsWith("company unknown")) return { key: name[2] ? "similar_name_unknown_company" : "same_name_unknown_company", values: similar };
  const company: Record<string, number> = name[4] ? { company: Number(name[4]) } : {};
  const key = `${name[2] ? "similar_name" : "same_name"}_${name[4] ? "similar_company" : "same_company"}`;
  return { key, values: { ...similar, ...company } };
}
