// The administrators' vocabulary, typed from the API: roles, API key scopes, custom field
// types and objects. Each list must name every value the API's enum has (the build fails
// otherwise), so a role or scope added to the gateway is offered here too.
import type { components } from "../api/schema";

type Schemas = components["schemas"];
export type Role = Schemas["UserIn"]["role"];
export type Scope = Schemas["ApiKeyIn"]["scopes"][number];
export type FieldType = Schemas["CustomFieldIn"]["type"];
export type FieldObject = Schemas["CustomFieldIn"]["object"];

/** The values given, checked at build time to be all of T's. */
const every = <T>() => <const A extends readonly T[]>(
  values: A & ([Exclude<T, A[number]>] extends [never] ? unknown : { missing: Exclude<T, A[number]> }),
): A => values;

export const ROLES = every<Role>()(["admin", "sales_manager", "sales_rep", "marketing", "support_manager", "support_agent", "viewer"]);
export const FIELD_TYPES = every<FieldType>()(["text", "number", "date", "enum", "boolean"]);
export const FIELD_OBJECTS = every<FieldObject>()(["contact", "account"]);
export const SCOPES = every<Scope>()([
  "contacts:read", "contacts:write", "contacts:import", "contacts:export", "contacts:merge", "accounts:read", "accounts:write",
  "consent:write", "custom_fields:read", "custom_fields:manage", "gdpr:export", "gdpr:erase",
  "sales:read", "sales:write", "catalog:write", "forecast:read",
  "tickets:read", "tickets:write", "kb:read", "kb:write", "support:read", "support:manage", "inbound_email:write", "email_bounces:write",
  "marketing:read", "marketing:write", "campaigns:send", "marketing:rebuild",
  "reports:read", "dashboards:read", "reports:rebuild",
  "users:manage", "api_keys:manage", "webhooks:manage", "audit:read", "portal",
]);

/** Scopes grouped by what they are about ("contacts", "sales"...), in the order given. */
export function scopeGroups(scopes: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const scope of scopes) {
    const area = AREA[scope.split(":")[0] ?? ""] ?? "other";
    groups.set(area, [...(groups.get(area) ?? []), scope]);
  }
  return [...groups.entries()];
}

const AREA: Record<string, string> = {
  contacts: "customers", accounts: "customers", consent: "customers", custom_fields: "customers", gdpr: "customers",
  sales: "sales", catalog: "sales", forecast: "sales",
  tickets: "support", kb: "support", support: "support", inbound_email: "support", email_bounces: "marketing",
  marketing: "marketing", campaigns: "marketing",
  reports: "reporting", dashboards: "reporting",
  users: "admin", api_keys: "admin", webhooks: "admin", audit: "admin", portal: "other",
};

/** A custom field's key from its label, as the API wants it: lower-case, digits and _. */
export function keyFromLabel(label: string): string {
  const key = label.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").replace(/^[^a-z]+/, "");
  return key.slice(0, 63);
}

/** Enum options typed as "a, b, c": trimmed, blanks and repeats dropped. */
export function optionsOf(text: string): string[] {
  return [...new Set(text.split(",").map((item) => item.trim()).filter(Boolean))];
}
