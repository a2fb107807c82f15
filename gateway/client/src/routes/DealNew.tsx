// A new deal: name, amount, pipeline and stage, expected close, and the customer it is
// for; it lands on its deal page. Reached from the board (and ?contact_id= / ?account_id=).
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { addMessages } from "../i18n";
import { salesMessages } from "../messages/sales";
import { decimalInput } from "../lib/deal";
import { useAnnounce } from "../announcer";
import { formMessage, useSubmission } from "../useSubmission";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";
import "./sales-support.css";

addMessages(salesMessages);

function ContactPicker({ value, onChange, errors }: { value: string; onChange: (id: string) => void; errors?: string[] }) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const found = useQuery({
    queryKey: ["contacts", "pick", q],
    enabled: q.trim().length >= 2,
    queryFn: () => unwrap(api.GET("/api/v1/contacts", { params: { query: { q: q.trim(), limit: 10 } } })),
  });
  const chosen = useQuery({
    queryKey: ["contact", value],
    enabled: Boolean(value),
    queryFn: () => unwrap(api.GET("/api/v1/contacts/{item_id}", { params: { path: { item_id: value } } })),
  });
  const label = (contact: { first_name?: string | null; last_name?: string | null; email?: string | null }) =>
    [[contact.first_name, contact.last_name].filter(Boolean).join(" "), contact.email].filter(Boolean).join(" · ");
  const options = found.data?.items ?? [];
  return (
    <fieldset className="contact-picker">
      <legend>{t("dealNew.contact")}</legend>
      <Field id="deal-contact-search" label={t("dealNew.findContact")}>
        <input id="deal-contact-search" type="search" value={q} onChange={(event) => setQ(event.target.value)} />
      </Field>
      <Field id="deal-contact" label={t("dealNew.chooseContact")} errors={errors}>
        <select id="deal-contact" value={value} onChange={(event) => onChange(event.target.value)} {...invalidProps("deal-contact", errors)}>
          <option value="">{t("dealNew.noContact")}</option>
          {value && chosen.data && !options.some((contact) => contact.id === value) && (
            <option value={value}>{label(chosen.data)}</option>
          )}
          {options.map((contact) => <option key={contact.id} value={contact.id}>{label(contact)}</option>)}
        </select>
      </Field>
    </fieldset>
  );
}

export default function DealNew() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const [params] = useSearchParams();
  const pipelines = useQuery({ queryKey: ["pipelines"], queryFn: () => unwrap(api.GET("/api/v1/pipelines")) });
  const [draft, setDraft] = useState({
    name: "", amount: "", currency: "EUR", pipeline_id: "", stage_id: "", expected_close_date: "",
    contact_id: params.get("contact_id") ?? "", description: "",
  });
  const { busy, errors, problem, run } = useSubmission();
  const message = formMessage(problem);
  if (pipelines.isPending) return <Loading />;
  if (pipelines.isError) return <ErrorPanel error={pipelines.error} retry={() => void pipelines.refetch()} />;
  const all = pipelines.data.items ?? [];
  const pipeline = all.find((item) => item.id === draft.pipeline_id) ?? all.find((item) => item.is_default) ?? all[0];
  const stages = pipeline?.stages ?? [];

  async function create(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const deal = await unwrap(api.POST("/api/v1/opportunities", {
        // The same request replayed (by a proxy or the browser) cannot make the deal twice.
        headers: { "Idempotency-Key": crypto.randomUUID() },
        body: {
          name: draft.name.trim(), amount: decimalInput(draft.amount), currency: draft.currency.trim().toUpperCase(),
          ...(pipeline?.id ? { pipeline_id: pipeline.id } : {}), ...(draft.stage_id ? { stage_id: draft.stage_id } : {}),
          expected_close_date: draft.expected_close_date || null, description: draft.description.trim() || null,
          contact_id: draft.contact_id || null, ...(params.get("account_id") ? { account_id: params.get("account_id") } : {}),
        },
      }));
      announce(t("dealNew.created", { name: deal.name }));
      navigate(`/deals/${deal.id}`, { replace: true });
    });
  }
  const input = (name: "name" | "amount" | "currency" | "expected_close_date", label: string, extra: Record<string, string> = {}) => (
    <Field id={`new-deal-${name}`} label={label} errors={errors[name]}>
      <input id={`new-deal-${name}`} value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        {...extra} {...invalidProps(`new-deal-${name}`, errors[name])} />
    </Field>
  );
  return (
    <section aria-labelledby="new-deal-title">
      <p className="muted"><Link to="/pipeline">{t("deal.back")}</Link></p>
      <h1 id="new-deal-title">{t("dealNew.title")}</h1>
      <form className="form" onSubmit={create} noValidate>
        {message && <p className="form-error" role="alert">{message}</p>}
        <div className="grid">
          {input("name", t("deal.name"))}
          {input("amount", t("deal.amount"), { inputMode: "decimal" })}
          {input("currency", t("deal.currency"), { maxLength: "3", autoComplete: "off" })}
          {input("expected_close_date", t("deal.close"), { type: "date" })}
          {all.length > 1 && (
            <Field id="new-deal-pipeline" label={t("deal.pipeline")} errors={errors.pipeline_id}>
              <select id="new-deal-pipeline" value={pipeline?.id ?? ""}
                onChange={(event) => setDraft({ ...draft, pipeline_id: event.target.value, stage_id: "" })}>
                {all.map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
              </select>
            </Field>
          )}
          <Field id="new-deal-stage" label={t("deal.stage")} errors={errors.stage_id}>
            <select id="new-deal-stage" value={draft.stage_id || stages[0]?.id || ""}
              onChange={(event) => setDraft({ ...draft, stage_id: event.target.value })} {...invalidProps("new-deal-stage", errors.stage_id)}>
              {stages.map((stage) => <option key={stage.id} value={stage.id}>{stage.name} ({stage.probability} %)</option>)}
            </select>
          </Field>
        </div>
        <ContactPicker value={draft.contact_id} onChange={(contact_id) => setDraft({ ...draft, contact_id })} errors={errors.contact_id} />
        <Field id="new-deal-description" label={t("deal.description")} errors={errors.description}>
          <textarea id="new-deal-description" rows={3} value={draft.description}
            onChange={(event) => setDraft({ ...draft, description: event.target.value })} {...invalidProps("new-deal-description", errors.description)} />
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("dealNew.create")}</button>
          <button type="button" onClick={() => navigate(-1)}>{t("app.cancel")}</button>
        </div>
      </form>
    </section>
  );
}
