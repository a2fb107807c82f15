// A new campaign: a template for a segment, with its cost and budget; saved as a draft,
// then sent or scheduled from its page.
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, invalidProps } from "../../ui";
import { MarketingPage, idempotency } from "./parts";

export default function CampaignNew() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const segments = useQuery({ queryKey: ["segments"], queryFn: () => unwrap(api.GET("/api/v1/segments", { params: { query: { limit: 200 } } })) });
  const templates = useQuery({ queryKey: ["templates"], queryFn: () => unwrap(api.GET("/api/v1/templates", { params: { query: { limit: 200 } } })) });
  const [draft, setDraft] = useState({ name: "", segment_id: "", template_id: "", from_address: "", cost: "0", budget: "", currency: "EUR" });
  const { busy, errors, problem, run } = useSubmission();
  const set = (name: keyof typeof draft) => (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const created = await unwrap(api.POST("/api/v1/campaigns", { headers: idempotency(), body: {
        name: draft.name, segment_id: draft.segment_id, template_id: draft.template_id,
        from_address: draft.from_address.trim() || null, cost: draft.cost.trim() || "0",
        budget: draft.budget.trim() || null, currency: draft.currency.trim().toUpperCase(),
      } }));
      queries.setQueryData(["campaign", created.id], created);
      void queries.invalidateQueries({ queryKey: ["campaigns"] });
      navigate(`/marketing/campaigns/${created.id}`);
    });
  }

  const choices = (query: typeof segments | typeof templates) => (query.data?.items ?? []).map((item) =>
    <option key={item.id} value={item.id}>{item.name}</option>);
  return (
    <MarketingPage title={t("mkt.campaign.new")}>
      {segments.isError && <ErrorPanel error={segments.error} retry={() => void segments.refetch()} />}
      {templates.isError && <ErrorPanel error={templates.error} retry={() => void templates.refetch()} />}
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        {problem && <p className="form-error" role="alert">{problem.message}</p>}
        <Field id="campaign-name" label={t("mkt.name")} errors={errors.name}>
          <input id="campaign-name" value={draft.name} onChange={set("name")} {...invalidProps("campaign-name", errors.name)} />
        </Field>
        <div className="grid">
          <Field id="campaign-segment" label={t("mkt.campaign.segment")} errors={errors.segment_id}>
            <select id="campaign-segment" value={draft.segment_id} onChange={set("segment_id")} {...invalidProps("campaign-segment", errors.segment_id)}>
              <option value="">{t("mkt.campaign.choose")}</option>
              {choices(segments)}
            </select>
          </Field>
          <Field id="campaign-template" label={t("mkt.campaign.template")} errors={errors.template_id}>
            <select id="campaign-template" value={draft.template_id} onChange={set("template_id")} {...invalidProps("campaign-template", errors.template_id)}>
              <option value="">{t("mkt.campaign.choose")}</option>
              {choices(templates)}
            </select>
          </Field>
          <Field id="campaign-from" label={t("mkt.campaign.from")} errors={errors.from_address}>
            <input id="campaign-from" type="email" value={draft.from_address} onChange={set("from_address")} {...invalidProps("campaign-from", errors.from_address)} />
          </Field>
          <Field id="campaign-cost" label={t("mkt.campaign.cost")} errors={errors.cost}>
            <input id="campaign-cost" inputMode="decimal" value={draft.cost} onChange={set("cost")} {...invalidProps("campaign-cost", errors.cost)} />
          </Field>
          <Field id="campaign-budget" label={t("mkt.campaign.budget")} errors={errors.budget}>
            <input id="campaign-budget" inputMode="decimal" value={draft.budget} onChange={set("budget")} {...invalidProps("campaign-budget", errors.budget)} />
          </Field>
          <Field id="campaign-currency" label={t("mkt.campaign.currency")} errors={errors.currency}>
            <input id="campaign-currency" maxLength={3} value={draft.currency} onChange={set("currency")} {...invalidProps("campaign-currency", errors.currency)} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("mkt.campaign.create")}</button>
          <Link className="button" to="/marketing/campaigns">{t("app.cancel")}</Link>
        </div>
      </form>
    </MarketingPage>
  );
}
