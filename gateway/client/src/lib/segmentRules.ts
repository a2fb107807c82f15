// A segment's rules as the builder edits them, and as the API takes them: a group
// {match: "all" | "any", conditions: [condition or group]}, a condition {field, op, value}.
// The fields and operators are the marketing service's documented vocabulary (its README);
// the service stays the authority and names any bad part, e.g. `rules.conditions.1.field`.

export type FieldKind = "text" | "tags" | "number" | "flag" | "consent" | "custom";
export type FieldInfo = { name: string; kind: FieldKind; category: "contact" | "account" | "consent" | "behaviour" | "custom" };

const TEXT_FIELDS = ["first_name", "last_name", "email", "phone", "title", "lifecycle_stage", "source",
  "city", "country", "owner_id", "account_id"];
const ACCOUNT_FIELDS = ["name", "domain", "industry", "tier", "size", "owner_id", "country"];

export const FIELDS: FieldInfo[] = [
  ...TEXT_FIELDS.map((name) => ({ name, kind: "text" as const, category: "contact" as const })),
  { name: "tags", kind: "tags", category: "contact" },
  ...ACCOUNT_FIELDS.map((name) => ({ name: `account.${name}`, kind: "text" as const, category: "account" as const })),
  { name: "consent.email", kind: "consent", category: "consent" },
  ...["opened", "clicked", "submitted_form"].map((name) => ({ name: `behaviour.${name}`, kind: "flag" as const, category: "behaviour" as const })),
  ...["open_tickets", "won_deals", "lead_score"].map((name) => ({ name: `behaviour.${name}`, kind: "number" as const, category: "behaviour" as const })),
];

export const OPERATORS: Record<FieldKind, string[]> = {
  text: ["eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "is_set", "is_not_set"],
  consent: ["eq", "neq", "in", "not_in"],
  tags: ["has", "has_not", "is_set", "is_not_set"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte"],
  flag: ["eq"],
  custom: ["eq", "neq", "in", "not_in", "contains", "starts_with", "ends_with", "gt", "gte", "lt", "lte", "is_set", "is_not_set"],
};
export const CONSENT_STATUSES = ["granted", "denied", "withdrawn", "unknown"];
export const NO_VALUE = new Set(["is_set", "is_not_set"]);
const LIST_VALUE = new Set(["in", "not_in"]);
const ORDERED = new Set(["gt", "gte", "lt", "lte"]);
export const MAX_DEPTH = 3;

/** A condition in the builder: the value as typed (a list as "a, b"; a flag as "true"). */
export type Condition = { field: string; op: string; value: string };
export type Group = { match: "all" | "any"; conditions: Rule[] };
export type Rule = Condition | Group;

export const isGroup = (rule: Rule): rule is Group => "conditions" in rule;

/** Fields a rule may name: the standard ones, then the custom fields of contacts and accounts. */
export function fieldsWith(custom: { object?: string; key?: string }[]): FieldInfo[] {
  return [...FIELDS, ...custom.filter((field) => field.key).map((field) => ({
    name: field.object === "account" ? `account.custom.${field.key}` : `custom.${field.key}`,
    kind: "custom" as const, category: "custom" as const,
  }))];
}

export function kindOf(name: string, fields: FieldInfo[] = FIELDS): FieldKind {
  return fields.find((field) => field.name === name)?.kind
    ?? (name.startsWith("custom.") || name.startsWith("account.custom.") ? "custom" : "text");
}

/** A new condition on `field`, with its kind's first operator and an empty (or default) value. */
export function newCondition(field = "lifecycle_stage", fields: FieldInfo[] = FIELDS): Condition {
  const kind = kindOf(field, fields);
  return { field, op: OPERATORS[kind][0] ?? "eq", value: defaultValue(kind) };
}

const defaultValue = (kind: FieldKind) => kind === "flag" ? "true" : kind === "consent" ? "granted" : "";

/** The same condition on another field: the operator kept when the new kind has it. */
export function changeField(condition: Condition, field: string, fields: FieldInfo[] = FIELDS): Condition {
  const before = kindOf(condition.field, fields);
  const kind = kindOf(field, fields);
  if (kind === before) return { ...condition, field };
  const op = OPERATORS[kind].includes(condition.op) ? condition.op : OPERATORS[kind][0] ?? "eq";
  return { field, op, value: defaultValue(kind) };
}

function valueOf(condition: Condition, kind: FieldKind): unknown {
  const text = condition.value.trim();
  if (LIST_VALUE.has(condition.op)) {
    return text.split(",").map((item) => item.trim()).filter(Boolean)
      .map((item) => kind === "number" && !Number.isNaN(Number(item)) ? Number(item) : item);
  }
  if (kind === "flag") return text === "true";
  if (kind === "number" || kind === "custom" && ORDERED.has(condition.op) && text !== "" && !Number.isNaN(Number(text))) {
    return text === "" || Number.isNaN(Number(text)) ? text : Number(text);
  }
  return text;
}

/** The rules as the API takes them. */
export function toApi(group: Group, fields: FieldInfo[] = FIELDS): Record<string, unknown> {
  return {
    match: group.match,
    conditions: group.conditions.map((rule) => {
      if (isGroup(rule)) return toApi(rule, fields);
      const condition: Record<string, unknown> = { field: rule.field, op: rule.op };
      if (!NO_VALUE.has(rule.op)) condition.value = valueOf(rule, kindOf(rule.field, fields));
      return condition;
    }),
  };
}

/** A segment's saved rules, for the builder (anything unexpected becomes an empty group). */
export function fromApi(rules: unknown): Group {
  if (!rules || typeof rules !== "object") return emptyGroup();
  const raw = rules as { match?: unknown; conditions?: unknown };
  const conditions = Array.isArray(raw.conditions) ? raw.conditions : [];
  return {
    match: raw.match === "any" ? "any" : "all",
    conditions: conditions.map((item): Rule => {
      const rule = (item ?? {}) as Record<string, unknown>;
      if ("conditions" in rule) return fromApi(rule);
      const value = rule.value;
      return {
        field: String(rule.field ?? ""), op: String(rule.op ?? "eq"),
        value: Array.isArray(value) ? value.join(", ") : value === undefined || value === null ? "" : String(value),
      };
    }),
  };
}

export const emptyGroup = (): Group => ({ match: "all", conditions: [newCondition()] });

/** Whether every condition is filled in, so the live count can be asked for. */
export function isComplete(group: Group, fields: FieldInfo[] = FIELDS): boolean {
  return group.conditions.length > 0 && group.conditions.every((rule) => {
    if (isGroup(rule)) return isComplete(rule, fields);
    if (!rule.field || !rule.op) return false;
    if (NO_VALUE.has(rule.op)) return true;
    const text = rule.value.trim();
    if (!text) return false;
    const kind = kindOf(rule.field, fields);
    if (kind === "number") {
      return LIST_VALUE.has(rule.op)
        ? text.split(",").every((item) => !item.trim() || !Number.isNaN(Number(item)))
        : !Number.isNaN(Number(text));
    }
    return true;
  });
}

/** An edit at a path of indexes into nested groups ([] is the top group). */
export function updateAt(group: Group, path: number[], change: (rule: Rule) => Rule | null): Group {
  if (!path.length) return change(group) as Group;
  const [index, ...rest] = path as [number, ...number[]];
  const conditions = group.conditions.flatMap((rule, at) => {
    if (at !== index) return [rule];
    const next = rest.length ? (isGroup(rule) ? updateAt(rule, rest, change) : rule) : change(rule);
    return next ? [next] : [];
  });
  return { ...group, conditions };
}

/** The API's name of a rule at a path: `rules.conditions.1.conditions.0`. */
export const apiPath = (path: number[]): string => ["rules", ...path.map((index) => `conditions.${index}`)].join(".");

/** The API's errors about a condition (`<path>`, `<path>.field`, `.op`, `.value`). */
export function errorsAt(errors: Record<string, string[]>, path: number[]): string[] {
  const at = apiPath(path);
  return Object.entries(errors)
    .filter(([key]) => key === at || [".field", ".op", ".value", ".match", ".conditions"].some((part) => key === at + part))
    .flatMap(([, messages]) => messages);
}
