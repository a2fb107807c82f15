// A record's custom fields in a form: each defined field is one string entry of the form's
// draft, under "custom_fields.<key>", so that the draft stays a flat record of strings that
// the conflict helpers (lib/conflict) compare field by field like the built-in ones.
import type { Schemas } from "../api/client";
import { formatDate, formatNumber } from "./format";

export type CustomField = Schemas["CustomFieldOut"];
export type Draft = Record<string, string>;

const PREFIX = "custom_fields.";

/** The draft entry (and the API's flattened error key) of a custom field. */
export const draftKey = (field: CustomField) => `${PREFIX}${field.key ?? ""}`;

/** Every defined field's value as the form edits it ("" for none). */
export function customDraft(fields: readonly CustomField[], values: Record<string, unknown> | undefined): Draft {
  const draft: Draft = {};
  for (const field of fields) {
    const value = values?.[field.key ?? ""];
    draft[draftKey(field)] = value === undefined || value === null ? "" : String(value);
  }
  return draft;
}

function valueOf(field: CustomField, text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return null;  // the API clears a value sent as null
  if (field.type === "boolean") return trimmed === "true";
  return field.type === "text" ? text : trimmed;  // numbers and dates in their written form
}

/** The `custom_fields` of a write: on a new record every filled field; on an edit only the
 * fields the user changed from `base` (a required field defined after the record was made
 * must not block an unrelated edit), or undefined when there is none to send. */
export function customBody(fields: readonly CustomField[], draft: Draft, base?: Draft): Record<string, unknown> | undefined {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const name = draftKey(field);
    const text = draft[name] ?? "";
    if (base ? text === (base[name] ?? "") : !text.trim()) continue;
    body[field.key ?? ""] = valueOf(field, text);
  }
  return Object.keys(body).length ? body : undefined;
}

/** A stored value as the 360 page shows it, in the reader's locale. */
export function shownValue(field: CustomField, value: unknown, locale: string, yesNo: [string, string]): string {
  if (value === undefined || value === null || value === "") return "";
  if (field.type === "boolean") return value ? yesNo[0] : yesNo[1];
  if (field.type === "number" && typeof value === "number") return formatNumber(value, locale);
  if (field.type === "date" && typeof value === "string") return formatDate(value, locale);
  return String(value);
}
