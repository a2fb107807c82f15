import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Contact, type ContactInput } from "../api/client";
import { useAnnounce } from "../announcer";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";
import { STAGES } from "./Contacts";
import { changedFields, rebase, type FieldChange } from "../lib/conflict";

const TEXT_FIELDS = ["first_name", "last_name", "email", "phone", "title", "city", "country"] as const;
type TextField = (typeof TEXT_FIELDS)[number];
type Draft = Record<TextField | "lifecycle_stage" | "tags", string>;

const EMPTY: Draft = { first_name: "", last_name: "", email: "", phone: "", title: "", city: "", country: "", lifecycle_stage: "", tags: "" };

export function draftOf(contact: Contact): Draft {
  const draft = { ...EMPTY };
  for (const name of TEXT_FIELDS) draft[name] = contact[name] ?? "";
  draft.lifecycle_stage = contact.lifecycle_stage ?? "";
  draft.tags = (contact.tags ?? []).join(", ");
  return draft;
}

/** The body the API takes: blanks are null, tags a list. */
export function bodyOf(draft: Draft): ContactInput {
  const body: Record<string, unknown> = {};
  for (const name of TEXT_FIELDS) body[name] = draft[name].trim() || null;
  body.lifecycle_stage = draft.lifecycle_stage || null;
  body.tags = draft.tags.split(",").map((tag) => tag.trim()).filter(Boolean);
  return body as ContactInput;
}

export default function ContactEdit() {
  const { id } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const existing = useQuery({
    queryKey: ["contact", id],
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET("/api/v1/contacts/{item_id}", { params: { path: { item_id: id! } } })),
  });
  const [draft, setDraft] = useState<Draft>(EMPTY);
  // What the form started from: the version sent as If-Match, and the values a conflict
  // is measured against. Set once, so a background refetch never overwrites the user's typing.
  const [base, setBase] = useState<{ id: string; values: Draft; version: number } | null>(null);
  const [conflict, setConflict] = useState<{ theirs: Draft; version: number; changes: FieldChange[] } | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (existing.data && existing.data.id === id && base?.id !== id) {
      setDraft(draftOf(existing.data));
      setBase({ id: id ?? "", values: draftOf(existing.data), version: existing.data.version ?? 0 });
    }
  }, [existing.data, base, id]);

  if (id && existing.isPending) return <Loading />;
  if (id && existing.isError) return <ErrorPanel error={existing.error} retry={() => void existing.refetch()} />;

  async function showConflict() {
    const current = await unwrap(api.GET("/api/v1/contacts/{item_id}", { params: { path: { item_id: id! } } }));
    const theirs = draftOf(current);
    setConflict({ theirs, version: current.version ?? 0, changes: changedFields(base!.values, theirs, draft) });
  }

  function takeTheirs() {
    if (!conflict) return;
    setDraft(conflict.theirs);
    setBase({ id: id!, values: conflict.theirs, version: conflict.version });
    setConflict(null);
    setProblem(null);
  }

  function keepMine() {
    if (!conflict || !base) return;
    const merged = rebase(base.values, conflict.theirs, draft);
    setBase({ id: id!, values: conflict.theirs, version: conflict.version });
    setDraft(merged);
    setConflict(null);
    void save(merged, conflict.version);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void save(draft, base?.version ?? 0);
  }

  async function save(values: Draft, version: number) {
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      const saved = id
        ? await unwrap(api.PATCH("/api/v1/contacts/{item_id}", {
          params: { path: { item_id: id } }, headers: { "If-Match": etag(version) },
          body: bodyOf(values),
        }))
        : await unwrap(api.POST("/api/v1/contacts", {
          body: bodyOf(values), headers: { "Idempotency-Key": crypto.randomUUID() },
        }));
      queries.setQueryData(["contact", saved.id], saved);
      void queries.invalidateQueries({ queryKey: ["contacts"] });
      void queries.invalidateQueries({ queryKey: ["contact360", saved.id] });
      announce(t("app.saved"));
      navigate(`/contacts/${saved.id}`);
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors(error.fieldErrors);
        setProblem(error);
        if (error.status === 412 && id) await showConflict().catch(() => undefined);
      } else throw error;
    } finally {
      setBusy(false);
    }
  }

  const text = (name: TextField, type = "text", autoComplete?: string) => (
    <Field id={name} label={t(`field.${name}`)} errors={errors[name]}>
      <input id={name} name={name} type={type} autoComplete={autoComplete} value={draft[name]}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} {...invalidProps(name, errors[name])} />
    </Field>
  );
  const title = id ? t("contacts.editTitle") : t("contacts.new");
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{title}</h1>
      <form className="form" onSubmit={submit} noValidate>
        {problem && (problem.status !== 412 || !conflict) && <p className="form-error" role="alert">{problem.message}</p>}
        {conflict && (
          <div className="form-error conflict" role="alert" aria-labelledby="conflict-title">
            <p id="conflict-title">{t("conflict.title")}</p>
            {conflict.changes.length > 0 && (
              <table>
                <thead>
                  <tr><th scope="col">{t("conflict.field")}</th><th scope="col">{t("conflict.theirs")}</th><th scope="col">{t("conflict.mine")}</th></tr>
                </thead>
                <tbody>
                  {conflict.changes.map((change) => (
                    <tr key={change.field}>
                      <th scope="row">{t(`field.${change.field}`)}</th><td>{change.theirs || "—"}</td><td>{change.mine || "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="actions">
              <button type="button" className="primary" onClick={keepMine}>{t("conflict.keepMine")}</button>
              <button type="button" onClick={takeTheirs}>{t("conflict.takeTheirs")}</button>
            </div>
          </div>
        )}
        <div className="grid">
          {text("first_name", "text", "given-name")}
          {text("last_name", "text", "family-name")}
          {text("email", "email", "email")}
          {text("phone", "tel", "tel")}
          {text("title", "text", "organization-title")}
          <Field id="lifecycle_stage" label={t("field.lifecycle_stage")} errors={errors.lifecycle_stage}>
            <select id="lifecycle_stage" value={draft.lifecycle_stage}
              onChange={(event) => setDraft({ ...draft, lifecycle_stage: event.target.value })}
              {...invalidProps("lifecycle_stage", errors.lifecycle_stage)}>
              <option value="">—</option>
              {STAGES.map((value) => <option key={value} value={value}>{t(`stage.${value}`)}</option>)}
            </select>
          </Field>
          {text("city", "text", "address-level2")}
          {text("country", "text", "country")}
          <Field id="tags" label={t("field.tags")} errors={errors.tags}>
            <input id="tags" value={draft.tags} onChange={(event) => setDraft({ ...draft, tags: event.target.value })}
              {...invalidProps("tags", errors.tags)} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("app.save")}</button>
          <button type="button" onClick={() => navigate(-1)}>{t("app.cancel")}</button>
        </div>
      </form>
    </section>
  );
}
