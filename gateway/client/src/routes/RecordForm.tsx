// A contact's or an account's form, new or edited: the API's field errors beside their
// fields, the custom fields the administrators defined for the object, an edit sent with
// the version it started from (If-Match), and a stale edit (412) shown field by field for
// the user to choose. ContactEdit and AccountEdit give their own fields.
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { useNavigate } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useAnnounce } from "../announcer";
import { changedFields, rebase, type FieldChange } from "../lib/conflict";
import { customBody, customDraft, draftKey, type CustomField, type Draft } from "../lib/customFields";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";
import { useCustomFields } from "./CustomValues";
import { useSubmission } from "../useSubmission";
import { ConflictPanel } from "./ConflictPanel";

type Versioned = { id?: string; version?: number; custom_fields?: Record<string, unknown> };
// What the form started from: the record's id ("" for a new one), the values a conflict is
// measured against and the version sent as If-Match. Set once, so that a background
// refetch never overwrites the user's typing.
type Start = { id: string; values: Draft; version: number };

export type FormFields = {
  draft: Draft;
  set: (name: string, value: string) => void;
  errors: Record<string, string[]>;
};

export function RecordForm<R extends Versioned>({ object, id, heading, conflictTitle, read, write, draftOf, bodyOf, labelOf, done, children }: {
  object: "contact" | "account";
  id: string | undefined;
  heading: string;
  conflictTitle: string;
  read: (id: string) => Promise<R>;
  /** Creates the record (`version` null) or updates it. */
  write: (body: Record<string, unknown>, version: number | null) => Promise<R>;
  /** The form's own fields of a record (of none, for a new one), as text. */
  draftOf: (record: R | null) => Draft;
  /** The API's body for the form's own fields. */
  bodyOf: (draft: Draft) => Record<string, unknown>;
  labelOf: (name: string) => string;
  /** Keeps the caches in step with the saved record; returns the page to show it on. */
  done: (record: R) => string;
  children: (fields: FormFields) => ReactNode;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const existing = useQuery({ queryKey: [object, id], enabled: Boolean(id), queryFn: () => read(id!) });
  const definitions = useCustomFields(object);
  const fields: CustomField[] = definitions.data ?? [];
  const [draft, setDraft] = useState<Draft>({});
  const [start, setStart] = useState<Start | null>(null);
  const [conflict, setConflict] = useState<{ theirs: Draft; version: number; changes: FieldChange[] } | null>(null);
  const { busy, errors, problem, run, clear } = useSubmission();

  const valuesOf = (record: R | null): Draft => ({ ...draftOf(record), ...customDraft(fields, record?.custom_fields) });
  const record = id ? (existing.data?.id === id ? existing.data : undefined) : null;
  useEffect(() => {
    // The same form element serves "new" and "edit": a change of record starts it again.
    if (!definitions.data || record === undefined || start?.id === (id ?? "")) return;
    const values = valuesOf(record);
    setDraft(values);
    setStart({ id: id ?? "", values, version: record?.version ?? 0 });
    setConflict(null);
    clear();
  }, [definitions.data, record, start, id]);

  if (id && existing.isError) return <ErrorPanel error={existing.error} retry={() => void existing.refetch()} />;
  if (definitions.isError) return <ErrorPanel error={definitions.error} retry={() => void definitions.refetch()} />;
  if (!start || start.id !== (id ?? "")) return <Loading />;

  async function save(values: Draft, from: Start) {
    const custom = customBody(fields, values, id ? from.values : undefined);
    const body = { ...bodyOf(values), ...(custom ? { custom_fields: custom } : {}) };
    const saved = await run(() => write(body, id ? from.version : null), {
      onProblem: async (error) => {
        if (error.status !== 412 || !id) return;
        const current = await read(id).catch(() => null);
        if (current) {
          const theirs = valuesOf(current);
          setConflict({ theirs, version: current.version ?? 0, changes: changedFields(from.values, theirs, values) });
        }
      },
    });
    if (saved === undefined) return;
    const page = done(saved);
    announce(t("app.saved"));
    navigate(page);
  }

  // Both keep the other change: mine rebased onto it and saved, or theirs and mine dropped.
  function keepMine() {
    if (!conflict || !start) return;
    const merged = rebase(start.values, conflict.theirs, draft);
    const from = { id: start.id, values: conflict.theirs, version: conflict.version };
    setStart(from);
    setDraft(merged);
    setConflict(null);
    void save(merged, from);
  }
  function takeTheirs() {
    if (!conflict || !start) return;
    setDraft(conflict.theirs);
    setStart({ id: start.id, values: conflict.theirs, version: conflict.version });
    setConflict(null);
    clear();
  }

  const set = (name: string, value: string) => setDraft((current) => ({ ...current, [name]: value }));
  const label = (name: string) => fields.find((field) => draftKey(field) === name)?.label ?? labelOf(name);
  return (
    <section aria-labelledby={`${object}-edit-title`}>
      <h1 id={`${object}-edit-title`}>{heading}</h1>
      <form className="form" noValidate onSubmit={(event: FormEvent) => { event.preventDefault(); void save(draft, start); }}>
        {problem && (problem.status !== 412 || !conflict) && <p className="form-error" role="alert">{problem.message}</p>}
        {conflict && <ConflictPanel id={`${object}-conflict-title`} title={conflictTitle} changes={conflict.changes}
          label={label} keepMine={keepMine} takeTheirs={takeTheirs} />}
        <div className="grid">
          {children({ draft, set, errors })}
          {fields.map((field) => (
            <CustomInput key={field.key} object={object} field={field} value={draft[draftKey(field)] ?? ""}
              set={(value) => set(draftKey(field), value)} errors={errors[draftKey(field)]} />
          ))}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("app.save")}</button>
          <button type="button" onClick={() => navigate(-1)}>{t("app.cancel")}</button>
        </div>
      </form>
    </section>
  );
}

/** One custom field's input, by its type; blank means no value. */
function CustomInput({ object, field, value, set, errors }: {
  object: string; field: CustomField; value: string; set: (value: string) => void; errors?: string[];
}) {
  const { t } = useTranslation();
  const id = `${object}-custom-${field.key}`;
  const common = { id, value, required: field.required, ...invalidProps(id, errors) };
  const choices = (options: [string, string][]) => (
    <select {...common} onChange={(event) => set(event.target.value)}>
      <option value="">—</option>
      {options.map(([option, text]) => <option key={option} value={option}>{text}</option>)}
    </select>
  );
  let input: ReactNode;
  if (field.type === "enum") input = choices((field.options ?? []).map((option) => [option, option]));
  else if (field.type === "boolean") input = choices([["true", t("app.yes")], ["false", t("app.no")]]);
  else {
    const typed = field.type === "date" ? { type: "date" } : field.type === "number" ? { inputMode: "decimal" as const } : {};
    input = <input {...common} {...typed} onChange={(event) => set(event.target.value)} />;
  }
  return <Field id={id} label={field.label ?? field.key ?? ""} errors={errors}>{input}</Field>;
}
