// An account's form, new or edited: the API's field errors beside their fields, an edit sent
// with the version read, and a stale edit (412) shown field by field for the user to choose.
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Schemas } from "../api/client";
import { useAnnounce } from "../announcer";
import { changedFields, rebase, type FieldChange } from "../lib/conflict";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";
import { TIERS } from "./Accounts";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

type Account = Schemas["AccountOut"];
type AccountInput = Schemas["AccountIn"];
const TEXT_FIELDS = ["name", "domain", "industry", "phone", "website", "address_line", "city", "postal_code", "country"] as const;
type TextField = (typeof TEXT_FIELDS)[number];
type Draft = Record<TextField | "tier" | "size", string>;
const SIZES = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"] as const;
const EMPTY: Draft = { name: "", domain: "", industry: "", phone: "", website: "", address_line: "", city: "",
  postal_code: "", country: "", tier: "", size: "" };
const AUTOCOMPLETE: Partial<Record<TextField, string>> = { name: "organization", phone: "tel", website: "url",
  address_line: "street-address", city: "address-level2", postal_code: "postal-code", country: "country" };

function draftOf(account: Account): Draft {
  const draft = { ...EMPTY };
  for (const name of [...TEXT_FIELDS, "tier", "size"] as const) draft[name] = account[name] ?? "";
  return draft;
}

/** The body the API takes: blanks are null (a name is never blank: the API says so). */
function bodyOf(draft: Draft): AccountInput {
  const body: Record<string, unknown> = {};
  for (const name of [...TEXT_FIELDS, "tier", "size"] as const) body[name] = draft[name].trim() || null;
  body.name = draft.name.trim();
  return body as AccountInput;
}

export default function AccountEdit() {
  const { id } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const existing = useQuery({
    queryKey: ["account", id],
    enabled: Boolean(id),
    queryFn: () => unwrap(api.GET("/api/v1/accounts/{item_id}", { params: { path: { item_id: id! } } })),
  });
  const [draft, setDraft] = useState<Draft>(EMPTY);
  // The version the form started from (sent as If-Match) and the values a conflict is
  // measured against; set once, so a background refetch never overwrites the user's typing.
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

  async function save(values: Draft, version: number) {
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      const saved = id
        ? await unwrap(api.PATCH("/api/v1/accounts/{item_id}", {
          params: { path: { item_id: id } }, headers: { "If-Match": etag(version) }, body: bodyOf(values) }))
        : await unwrap(api.POST("/api/v1/accounts", {
          body: bodyOf(values), headers: { "Idempotency-Key": crypto.randomUUID() } }));
      queries.setQueryData(["account", saved.id], saved);
      void queries.invalidateQueries({ queryKey: ["accounts"] });
      void queries.invalidateQueries({ queryKey: ["account360", saved.id] });
      announce(t("app.saved"));
      navigate(`/accounts/${saved.id}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setErrors(error.fieldErrors);
      setProblem(error);
      if (error.status === 412 && id && base) {
        const current = await unwrap(api.GET("/api/v1/accounts/{item_id}", { params: { path: { item_id: id } } }))
          .catch(() => null);
        if (current) {
          const theirs = draftOf(current);
          setConflict({ theirs, version: current.version ?? 0, changes: changedFields(base.values, theirs, values) });
        }
      }
    } finally {
      setBusy(false);
    }
  }

  function keepMine() {
    if (!conflict || !base) return;
    const merged = rebase(base.values, conflict.theirs, draft);
    setBase({ id: id!, values: conflict.theirs, version: conflict.version });
    setDraft(merged);
    setConflict(null);
    void save(merged, conflict.version);
  }

  function takeTheirs() {
    if (!conflict) return;
    setDraft(conflict.theirs);
    setBase({ id: id!, values: conflict.theirs, version: conflict.version });
    setConflict(null);
    setProblem(null);
  }

  const label = (name: keyof Draft) => t(`accounts.fields.${name}`);
  const text = (name: TextField, type = "text") => (
    <Field key={name} id={`account-${name}`} label={label(name)} errors={errors[name]}>
      <input id={`account-${name}`} name={name} type={type} autoComplete={AUTOCOMPLETE[name]} value={draft[name]}
        required={name === "name"}
        onChange={(event) => setDraft({ ...draft, [name]: name === "country" ? event.target.value.toUpperCase() : event.target.value })}
        {...invalidProps(`account-${name}`, errors[name])} />
    </Field>
  );
  const choice = (name: "tier" | "size", options: readonly string[], optionLabel: (value: string) => string) => (
    <Field id={`account-${name}`} label={label(name)} errors={errors[name]}>
      <select id={`account-${name}`} value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        {...invalidProps(`account-${name}`, errors[name])}>
        <option value="">—</option>
        {options.map((value) => <option key={value} value={value}>{optionLabel(value)}</option>)}
      </select>
    </Field>
  );
  return (
    <section aria-labelledby="account-edit-title">
      <h1 id="account-edit-title">{id ? t("accounts.editTitle") : t("accounts.new")}</h1>
      <form className="form" noValidate onSubmit={(event: FormEvent) => { event.preventDefault(); void save(draft, base?.version ?? 0); }}>
        {problem && (problem.status !== 412 || !conflict) && <p className="form-error" role="alert">{problem.message}</p>}
        {conflict && (
          <div className="form-error conflict" role="alert" aria-labelledby="account-conflict-title">
            <p id="account-conflict-title">{t("accounts.conflict")}</p>
            {conflict.changes.length > 0 && (
              <table>
                <thead>
                  <tr><th scope="col">{t("conflict.field")}</th><th scope="col">{t("conflict.theirs")}</th><th scope="col">{t("conflict.mine")}</th></tr>
                </thead>
                <tbody>
                  {conflict.changes.map((change) => (
                    <tr key={change.field}>
                      <th scope="row">{label(change.field as keyof Draft)}</th><td>{change.theirs || "—"}</td><td>{change.mine || "—"}</td>
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
          {text("name")}
          {text("domain")}
          {text("industry")}
          {choice("tier", TIERS, (value) => t(`accounts.tiers.${value}`))}
          {choice("size", SIZES, (value) => t("accounts.employees", { size: value }))}
          {text("phone", "tel")}
          {text("website", "url")}
          {text("address_line")}
          {text("postal_code")}
          {text("city")}
          {text("country")}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("app.save")}</button>
          <button type="button" onClick={() => navigate(-1)}>{t("app.cancel")}</button>
        </div>
      </form>
    </section>
  );
}
