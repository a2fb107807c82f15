import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Contact, type ContactInput } from "../api/client";
import { useAnnounce } from "../announcer";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";
import { STAGES } from "./Contacts";

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
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data));
  }, [existing.data]);

  if (id && existing.isPending) return <Loading />;
  if (id && existing.isError) return <ErrorPanel error={existing.error} retry={() => void existing.refetch()} />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      const saved = id && existing.data
        ? await unwrap(api.PATCH("/api/v1/contacts/{item_id}", {
          params: { path: { item_id: id } }, headers: { "If-Match": etag(existing.data.version ?? 0) },
          body: bodyOf(draft),
        }))
        : await unwrap(api.POST("/api/v1/contacts", {
          body: bodyOf(draft), headers: { "Idempotency-Key": crypto.randomUUID() },
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
        {problem && (
          <div className="form-error" role="alert">
            <p>{problem.status === 412 ? t("app.stale") : problem.message}</p>
            {problem.status === 412 && (
              <button type="button" onClick={() => { setProblem(null); void existing.refetch(); }}>{t("app.reload")}</button>
            )}
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
