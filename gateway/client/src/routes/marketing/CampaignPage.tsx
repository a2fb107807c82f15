// A campaign's page: what it sends to whom, sending it now or at a time, cancelling it, and
// its metrics (delivery, engagement, cost and return, deals credited by first and last
// touch), refreshed every few seconds while its mails go out.
import { lazy, Suspense, useMemo, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Schemas } from "../../api/client";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { campaignActions, formatRate, isLive, localToIso } from "../../lib/marketing";
import { useLocale } from "../../locale";
import { useAnnounce } from "../../announcer";
import { useSession } from "../../session";
import { ErrorPanel, Field, Loading, invalidProps } from "../../ui";
import { MarketingPage } from "./parts";

// The chart library loads only when a campaign's funnel is drawn.
const KpiChart = lazy(() => import("../dashboards/KpiChart"));

type Campaign = Schemas["CampaignOut"];
type Metrics = Schemas["MetricsOut"];
const LIVE_MS = 3_000;

function Figures({ title, items }: { title: string; items: [string, string, string?][] }) {
  const id = `metrics-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <dl className="metrics">
        {items.map(([key, label, value]) => (
          <div className="metric" key={key}><dt>{label}</dt><dd data-metric={key}>{value ?? "—"}</dd></div>
        ))}
      </dl>
    </section>
  );
}

function MetricsView({ metrics }: { metrics: Metrics }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const n = (value?: number) => formatNumber(value ?? 0, locale);
  const money = (amount?: string | null) => amount === null || amount === undefined ? "—" : formatMoney(amount, metrics.currency ?? "EUR", locale);
  const rate = (value?: string | null) => formatRate(value, locale);
  const others = Object.entries(metrics.revenue_other_currencies ?? {}).map(([currency, amount]) => formatMoney(amount, currency, locale));
  const funnel = useMemo(() => ({
    labels: [t("mkt.campaign.sent"), t("mkt.campaign.delivered"), t("mkt.campaign.opened"), t("mkt.campaign.clicked")],
    values: [metrics.sent ?? 0, metrics.delivered ?? 0, metrics.opened ?? 0, metrics.clicked ?? 0],
  }), [t, metrics.sent, metrics.delivered, metrics.opened, metrics.clicked]);
  const count = useMemo(() => (value: number) => formatNumber(value, locale), [locale]);
  return (
    <>
      {(metrics.sent ?? 0) > 0 && (
        <Suspense fallback={null}>
          <div className="funnel">
            <KpiChart title={t("mkt.campaign.funnel")} labels={funnel.labels} current={funnel.values}
              currentLabel={t("mkt.campaign.recipients")} locale={locale} format={count} integer />
          </div>
        </Suspense>
      )}
      <Figures title={t("mkt.campaign.delivery")} items={[
        ["recipients", t("mkt.campaign.recipients"), n(metrics.recipients)], ["sent", t("mkt.campaign.sent"), n(metrics.sent)],
        ["delivered", t("mkt.campaign.delivered"), n(metrics.delivered)], ["queued", t("mkt.campaign.queued"), n(metrics.queued)],
        ["failed", t("mkt.campaign.failed"), n(metrics.failed)], ["bounced", t("mkt.campaign.bounced"), n(metrics.bounced)],
        ["skipped", t("mkt.campaign.skipped"), n(metrics.skipped_without_consent)],
        ["delivery_rate", t("mkt.campaign.deliveryRate"), rate(metrics.delivery_rate)], ["bounce_rate", t("mkt.campaign.bounceRate"), rate(metrics.bounce_rate)],
      ]} />
      <Figures title={t("mkt.campaign.engagement")} items={[
        ["opened", t("mkt.campaign.opened"), n(metrics.opened)], ["open_rate", t("mkt.campaign.openRate"), rate(metrics.open_rate)],
        ["clicked", t("mkt.campaign.clicked"), n(metrics.clicked)], ["click_rate", t("mkt.campaign.clickRate"), rate(metrics.click_rate)],
        ["click_to_open_rate", t("mkt.campaign.clickToOpen"), rate(metrics.click_to_open_rate)],
        ["unsubscribed", t("mkt.campaign.unsubscribed"), n(metrics.unsubscribed)], ["unsubscribe_rate", t("mkt.campaign.unsubscribeRate"), rate(metrics.unsubscribe_rate)],
      ]} />
      <Figures title={t("mkt.campaign.money")} items={[
        ["cost", t("mkt.campaign.cost"), money(metrics.cost)], ["budget", t("mkt.campaign.budgetShort"), money(metrics.budget)],
        ["cost_per_mail", t("mkt.campaign.costPerMail"), money(metrics.cost_per_mail)], ["leads", t("mkt.campaign.leads"), n(metrics.leads)],
        ["cost_per_lead", t("mkt.campaign.costPerLead"), money(metrics.cost_per_lead)],
        ["conversion_rate", t("mkt.campaign.conversion"), rate(metrics.conversion_rate)], ["roi", t("mkt.campaign.roi"), rate(metrics.roi)],
      ]} />
      <section aria-labelledby="attribution-title">
        <h2 id="attribution-title">{t("mkt.campaign.attribution")}</h2>
        <div className="table-wrap">
          <table>
            <thead><tr><td /><th scope="col">{t("mkt.campaign.firstTouch")}</th><th scope="col">{t("mkt.campaign.lastTouch")}</th></tr></thead>
            <tbody>
              <tr><th scope="row">{t("mkt.campaign.opportunities")}</th><td>{n(metrics.opportunities_first_touch)}</td><td>{n(metrics.opportunities_last_touch)}</td></tr>
              <tr><th scope="row">{t("mkt.campaign.won")}</th><td>{n(metrics.won_first_touch)}</td><td>{n(metrics.won_last_touch)}</td></tr>
              <tr><th scope="row">{t("mkt.campaign.revenue")}</th><td>{money(metrics.revenue_first_touch)}</td><td>{money(metrics.revenue_last_touch)}</td></tr>
            </tbody>
          </table>
        </div>
        {others.length > 0 && <p className="muted">{t("mkt.campaign.otherCurrencies", { amounts: others.join(", ") })}</p>}
      </section>
    </>
  );
}

/** Name, cost and budget change at any time: the cost known after the invoice makes the ROI. */
function EditCosts({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ name: campaign.name ?? "", cost: campaign.cost ?? "0", budget: campaign.budget ?? "" });
  const id = campaign.id ?? "";
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH("/api/v1/campaigns/{item_id}", {
      params: { path: { item_id: id } }, headers: { "If-Match": etag(campaign.version ?? 0) },
      body: { name: draft.name, cost: draft.cost.trim() || "0", budget: draft.budget.trim() || null } })),
    onSuccess: (saved) => {
      queries.setQueryData(["campaign", id], saved);
      void queries.invalidateQueries({ queryKey: ["campaign-metrics", id] });
      void queries.invalidateQueries({ queryKey: ["campaigns"] });
      announce(t("mkt.saved"));
      setOpen(false);
    },
  });
  const errors = save.error instanceof ApiError ? save.error.fieldErrors : {};
  if (!open) return <button type="button" onClick={() => setOpen(true)}>{t("mkt.campaign.edit")}</button>;
  return (
    <form className="form card" onSubmit={(event) => { event.preventDefault(); save.mutate(); }} noValidate aria-labelledby="edit-costs-title">
      <h2 id="edit-costs-title">{t("mkt.campaign.edit")}</h2>
      {save.error && !Object.keys(errors).length && <p className="form-error" role="alert">
        {save.error instanceof ApiError && save.error.status === 412 ? t("mkt.changedElsewhere") : save.error.message}</p>}
      <div className="grid">
        <Field id="edit-name" label={t("mkt.name")} errors={errors.name}>
          <input id="edit-name" value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} {...invalidProps("edit-name", errors.name)} />
        </Field>
        <Field id="edit-cost" label={t("mkt.campaign.cost")} errors={errors.cost}>
          <input id="edit-cost" inputMode="decimal" value={draft.cost} onChange={(event) => setDraft({ ...draft, cost: event.target.value })} {...invalidProps("edit-cost", errors.cost)} />
        </Field>
        <Field id="edit-budget" label={t("mkt.campaign.budget")} errors={errors.budget}>
          <input id="edit-budget" inputMode="decimal" value={draft.budget} onChange={(event) => setDraft({ ...draft, budget: event.target.value })} {...invalidProps("edit-budget", errors.budget)} />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>{t("app.save")}</button>
        <button type="button" onClick={() => { setOpen(false); save.reset(); }}>{t("app.cancel")}</button>
      </div>
    </form>
  );
}

function Actions({ campaign, segmentName }: { campaign: Campaign; segmentName: string }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [when, setWhen] = useState("");
  const allowed = campaignActions(campaign.status);
  const id = campaign.id ?? "";
  const options = { params: { path: { item_id: id } }, headers: { "If-Match": etag(campaign.version ?? 0) } };
  const act = useMutation({
    mutationFn: (action: "send" | "cancel" | "schedule"): Promise<Campaign> => {
      if (action === "send") return unwrap(api.POST("/api/v1/campaigns/{item_id}/send", options));
      if (action === "cancel") return unwrap(api.POST("/api/v1/campaigns/{item_id}/cancel", options));
      return unwrap(api.POST("/api/v1/campaigns/{item_id}/schedule", { ...options, body: { scheduled_at: localToIso(when) ?? when } }));
    },
    onSuccess: (saved, action) => {
      queries.setQueryData(["campaign", id], saved);
      void queries.invalidateQueries({ queryKey: ["campaign-metrics", id] });
      void queries.invalidateQueries({ queryKey: ["campaigns"] });
      announce(t(action === "send" ? "mkt.campaign.sending" : action === "cancel" ? "mkt.campaign.cancelled" : "mkt.campaign.scheduled"));
    },
    onError: () => void queries.invalidateQueries({ queryKey: ["campaign", id] }),
  });
  const errors = act.error && "fieldErrors" in act.error ? (act.error as { fieldErrors: Record<string, string[]> }).fieldErrors : {};
  if (!allowed.send && !allowed.schedule && !allowed.cancel) return null;
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title" className="sr-only">{t("mkt.campaign.status")}</h2>
      {act.isError && <div className="form-error" role="alert">{act.error.message}{Object.entries(errors).map(([key, messages]) => <p key={key}>{messages.join(" ")}</p>)}</div>}
      <div className="form-row">
        {allowed.send && (
          <button type="button" className="primary" disabled={act.isPending}
            onClick={() => window.confirm(t("mkt.campaign.confirmSend", { segment: segmentName })) && act.mutate("send")}>{t("mkt.campaign.send")}</button>
        )}
        {allowed.schedule && (
          <>
            <div className="field">
              <label htmlFor="schedule-at">{t("mkt.campaign.scheduleAt")}</label>
              <input id="schedule-at" type="datetime-local" value={when} onChange={(event) => setWhen(event.target.value)}
                aria-invalid={errors.scheduled_at ? true : undefined} />
            </div>
            <button type="button" disabled={act.isPending || !when} onClick={() => act.mutate("schedule")}>{t("mkt.campaign.schedule")}</button>
          </>
        )}
        {allowed.cancel && (
          <button type="button" disabled={act.isPending}
            onClick={() => window.confirm(t("mkt.campaign.confirmCancel")) && act.mutate("cancel")}>{t("mkt.campaign.cancel")}</button>
        )}
      </div>
    </section>
  );
}

export default function CampaignPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { id = "" } = useParams();
  const { user } = useSession();
  const canSend = (user?.permissions ?? []).includes("campaigns:send");
  const canWrite = (user?.permissions ?? []).includes("marketing:write");
  const campaign = useQuery({
    queryKey: ["campaign", id],
    queryFn: () => unwrap(api.GET("/api/v1/campaigns/{item_id}", { params: { path: { item_id: id } } })),
    refetchInterval: (query) => isLive(query.state.data?.status) ? LIVE_MS : false,
  });
  const live = isLive(campaign.data?.status);
  // Asked again whenever the campaign moves on (sending, then sent), and while it sends.
  const metrics = useQuery({
    queryKey: ["campaign-metrics", id, campaign.data?.status, campaign.data?.counts?.sent],
    enabled: !!campaign.data, placeholderData: keepPreviousData,
    queryFn: () => unwrap(api.GET("/api/v1/campaigns/{item_id}/metrics", { params: { path: { item_id: id } } })),
    refetchInterval: live ? LIVE_MS : false,
  });
  const segmentId = campaign.data?.segment_id;
  const segment = useQuery({
    queryKey: ["segment", segmentId], enabled: !!segmentId,
    queryFn: () => unwrap(api.GET("/api/v1/segments/{item_id}", { params: { path: { item_id: segmentId ?? "" } } })),
  });
  const templateId = campaign.data?.template_id;
  const template = useQuery({
    queryKey: ["template", templateId], enabled: !!templateId,
    queryFn: () => unwrap(api.GET("/api/v1/templates/{item_id}", { params: { path: { item_id: templateId ?? "" } } })),
  });
  if (campaign.isPending) return <MarketingPage title={t("mkt.campaign.title")}><Loading /></MarketingPage>;
  if (campaign.isError) return <MarketingPage title={t("mkt.campaign.title")}><ErrorPanel error={campaign.error} retry={() => void campaign.refetch()} /></MarketingPage>;
  const data = campaign.data;
  const when = (label: string, iso?: string | null) => iso ? <div><dt>{label}</dt><dd>{formatDateTime(iso, locale)}</dd></div> : null;
  return (
    <MarketingPage title={data.name ?? t("mkt.campaign.title")}>
      <dl className="card facts">
        <div><dt>{t("mkt.campaign.status")}</dt><dd><span className={`status ${data.status ?? ""}`} data-testid="campaign-status">{t(`mkt.campaign.statuses.${data.status ?? "draft"}`)}</span></dd></div>
        {segmentId && <div><dt>{t("mkt.campaign.segment")}</dt><dd><Link to={`/marketing/segments/${segmentId}`}>{segment.data?.name ?? segmentId}</Link></dd></div>}
        {templateId && <div><dt>{t("mkt.campaign.template")}</dt><dd><Link to={`/marketing/templates/${templateId}`}>{template.data?.name ?? templateId}</Link></dd></div>}
        {data.from_address && <div><dt>{t("mkt.campaign.from")}</dt><dd>{data.from_address}</dd></div>}
        {when(t("mkt.campaign.scheduledAt"), data.scheduled_at)}
        {when(t("mkt.campaign.startedAt"), data.started_at)}
        {when(t("mkt.campaign.completedAt"), data.completed_at)}
      </dl>
      {canSend && <Actions key={data.version} campaign={data} segmentName={segment.data?.name ?? ""} />}
      {canWrite && data.status !== "cancelled" && <div className="edit-costs"><EditCosts key={data.version} campaign={data} /></div>}
      <h2 className="sr-only">{t("mkt.campaign.metrics")}</h2>
      {live && <p className="muted">{t("mkt.campaign.live")}</p>}
      {metrics.isPending ? <Loading /> : metrics.isError
        ? <ErrorPanel error={metrics.error} retry={() => void metrics.refetch()} />
        : <MetricsView metrics={metrics.data} />}
    </MarketingPage>
  );
}
