// The deal page's sections: its quotes, its activities and its stage history.
import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Activity, type Opportunity, type Schemas } from "../api/client";
import { emptyLine, formatDuration, lineErrors, linesBody, localToIso, quoteActions, type LineDraft } from "../lib/deal";
import { formatDate, formatDateTime, formatMoney } from "../lib/format";
import { useLocale } from "../locale";
import { useAnnounce } from "../announcer";
import { formMessage, useSubmission } from "../useSubmission";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";

type Quote = Schemas["QuoteOut"];
const ACTIVITY_TYPES = ["task", "call", "meeting", "email"] as const;

export function StageHistory({ dealId }: { dealId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const history = useQuery({
    queryKey: ["deal-history", dealId],
    queryFn: () => unwrap(api.GET("/api/v1/opportunities/{item_id}/stage-history", { params: { path: { item_id: dealId } } })),
  });
  return (
    <section aria-labelledby="history-title" className="card">
      <h2 id="history-title">{t("deal.history")}</h2>
      {history.isPending && <Loading />}
      {history.isError && <ErrorPanel error={history.error} retry={() => void history.refetch()} />}
      {history.data && (history.data.items.length === 0 ? <p className="muted">{t("deal.noHistory")}</p> : (
        <ol className="timeline stage-history">
          {history.data.items.map((change) => (
            <li key={change.id}>
              <time dateTime={change.changed_at}>{formatDateTime(change.changed_at ?? "", locale)}</time>
              <span>
                {change.from_stage_name
                  ? t("deal.moved", { from: change.from_stage_name, to: change.to_stage_name })
                  : t("deal.created", { stage: change.to_stage_name })}
                {change.seconds_in_previous_stage != null && change.from_stage_name && (
                  <span className="muted"> · {t("deal.spent", { time: formatDuration(change.seconds_in_previous_stage, locale) })}</span>
                )}
              </span>
            </li>
          ))}
        </ol>
      ))}
    </section>
  );
}

/** What the quote form says above its fields: the errors about its lines as a whole, or a
 * problem that names no field. */
function quoteMessage(problem: ApiError | null): string | null {
  if (!problem) return null;
  const general = Object.entries(problem.fieldErrors)
    .filter(([name]) => name === "lines" || /^lines\.\d+\._schema$/.test(name)).flatMap(([, messages]) => messages);
  return general.length ? general.join(" ") : formMessage(problem);
}

function QuoteForm({ deal, onDone }: { deal: Opportunity; onDone: () => void }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const products = useQuery({
    queryKey: ["products", "active"],
    queryFn: () => unwrap(api.GET("/api/v1/products", { params: { query: { active: true, limit: 500 } } })),
    staleTime: 60_000,
  });
  const priceLists = useQuery({
    queryKey: ["price-lists", "active"],
    queryFn: () => unwrap(api.GET("/api/v1/price-lists", { params: { query: { active: true, limit: 100 } } })),
    staleTime: 60_000,
  });
  const [currency, setCurrency] = useState(deal.currency ?? "EUR");
  const [priceList, setPriceList] = useState("");
  const [validUntil, setValidUntil] = useState("");
  const [notes, setNotes] = useState("");
  const [lines, setLines] = useState<LineDraft[]>(() => [emptyLine()]);
  const { busy, errors, problem, run } = useSubmission();
  const message = quoteMessage(problem);
  const change = (key: number, patch: Partial<LineDraft>) =>
    setLines((all) => all.map((line) => (line.key === key ? { ...line, ...patch } : line)));

  async function create(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const quote = await unwrap(api.POST("/api/v1/quotes", {
        body: {
          opportunity_id: deal.id, currency: currency.trim().toUpperCase(), price_list_id: priceList || null,
          valid_until: validUntil || null, notes: notes.trim() || null, lines: linesBody(lines),
        },
      }));
      announce(t("deal.quotes.created", { number: quote.number }));
      await queries.invalidateQueries({ queryKey: ["deal-quotes", deal.id] });
      onDone();
    });
  }
  if (products.isError) return <ErrorPanel error={products.error} retry={() => void products.refetch()} />;
  return (
    <form className="form quote-form" onSubmit={create} noValidate aria-labelledby="quote-form-title">
      <h3 id="quote-form-title">{t("deal.quotes.new")}</h3>
      {message && <p className="form-error" role="alert">{message}</p>}
      <div className="grid">
        <Field id="quote-currency" label={t("deal.currency")} errors={errors.currency}>
          <input id="quote-currency" value={currency} maxLength={3} onChange={(event) => setCurrency(event.target.value)}
            {...invalidProps("quote-currency", errors.currency)} />
        </Field>
        <Field id="quote-price-list" label={t("deal.quotes.priceList")} errors={errors.price_list_id}>
          <select id="quote-price-list" value={priceList} onChange={(event) => setPriceList(event.target.value)}
            {...invalidProps("quote-price-list", errors.price_list_id)}>
            <option value="">{t("deal.quotes.noPriceList")}</option>
            {(priceLists.data?.items ?? []).map((list) => <option key={list.id} value={list.id}>{list.name}</option>)}
          </select>
        </Field>
        <Field id="quote-valid-until" label={t("deal.quotes.validUntil")} errors={errors.valid_until}>
          <input id="quote-valid-until" type="date" value={validUntil} onChange={(event) => setValidUntil(event.target.value)}
            {...invalidProps("quote-valid-until", errors.valid_until)} />
        </Field>
      </div>
      <fieldset className="quote-lines">
        <legend>{t("deal.quotes.lines")}</legend>
        {lines.map((line, position) => {
          const found = lineErrors(errors, position);
          const id = (name: string) => `line-${line.key}-${name}`;
          const label = (text: string) => `${text} (${t("deal.quotes.line", { position: position + 1 })})`;
          return (
            <div className="quote-line" key={line.key} role="group" aria-label={t("deal.quotes.line", { position: position + 1 })}>
              <Field id={id("product")} label={label(t("deal.quotes.product"))} errors={found.product_id}>
                <select id={id("product")} value={line.productId} onChange={(event) => change(line.key, { productId: event.target.value })}
                  {...invalidProps(id("product"), found.product_id)}>
                  <option value="">{t("deal.quotes.customLine")}</option>
                  {(products.data?.items ?? []).map((product) => (
                    <option key={product.id} value={product.id}>{product.name} ({product.sku})</option>
                  ))}
                </select>
              </Field>
              <Field id={id("description")} label={label(t("deal.quotes.lineDescription"))} errors={found.description}>
                <input id={id("description")} value={line.description} onChange={(event) => change(line.key, { description: event.target.value })}
                  {...invalidProps(id("description"), found.description)} />
              </Field>
              <Field id={id("quantity")} label={label(t("deal.quotes.quantity"))} errors={found.quantity}>
                <input id={id("quantity")} inputMode="decimal" value={line.quantity} onChange={(event) => change(line.key, { quantity: event.target.value })}
                  {...invalidProps(id("quantity"), found.quantity)} />
              </Field>
              <Field id={id("price")} label={label(t("deal.quotes.unitPrice"))} errors={found.unit_price}>
                <input id={id("price")} inputMode="decimal" value={line.unitPrice} placeholder={priceList ? t("deal.quotes.unitPriceHelp") : undefined}
                  onChange={(event) => change(line.key, { unitPrice: event.target.value })} {...invalidProps(id("price"), found.unit_price)} />
              </Field>
              <Field id={id("discount")} label={label(t("deal.quotes.discount"))} errors={found.discount_percent}>
                <input id={id("discount")} inputMode="decimal" value={line.discount} onChange={(event) => change(line.key, { discount: event.target.value })}
                  {...invalidProps(id("discount"), found.discount_percent)} />
              </Field>
              <Field id={id("tax")} label={label(t("deal.quotes.tax"))} errors={found.tax_rate}>
                <input id={id("tax")} inputMode="decimal" value={line.tax} onChange={(event) => change(line.key, { tax: event.target.value })}
                  {...invalidProps(id("tax"), found.tax_rate)} />
              </Field>
              {lines.length > 1 && (
                <button type="button" className="remove-line" onClick={() => setLines((all) => all.filter((other) => other.key !== line.key))}>
                  {t("deal.quotes.removeLine", { position: position + 1 })}
                </button>
              )}
            </div>
          );
        })}
        <button type="button" onClick={() => setLines((all) => [...all, emptyLine()])}>{t("deal.quotes.addLine")}</button>
      </fieldset>
      <Field id="quote-notes" label={t("deal.quotes.notes")} errors={errors.notes}>
        <textarea id="quote-notes" rows={2} value={notes} onChange={(event) => setNotes(event.target.value)} {...invalidProps("quote-notes", errors.notes)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{t("deal.quotes.create")}</button>
        <button type="button" onClick={onDone}>{t("app.cancel")}</button>
      </div>
    </form>
  );
}

function QuoteRow({ quote, dealId, writable }: { quote: Quote; dealId: string; writable: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const options = { params: { path: { item_id: quote.id ?? "" } }, headers: { "If-Match": etag(quote.version ?? 0) } };
  async function act(action: "send" | "accept" | "reject") {
    setBusy(true);
    try {
      let saved: Quote;
      if (action === "send") saved = await unwrap(api.POST("/api/v1/quotes/{item_id}/send", options));
      else if (action === "accept") saved = await unwrap(api.POST("/api/v1/quotes/{item_id}/accept", options));
      else saved = await unwrap(api.POST("/api/v1/quotes/{item_id}/reject", { ...options, body: { reason: reason.trim() || null } }));
      let order = "";
      if (action === "accept" && saved.order_id) {
        order = (await unwrap(api.GET("/api/v1/orders/{item_id}", { params: { path: { item_id: saved.order_id } } }))).number ?? "";
        queries.setQueryData(["order", saved.order_id], order);
      }
      announce(t(`deal.quotes.${action === "send" ? "sent" : action === "accept" ? "accepted" : "rejected"}`, { number: quote.number, order }));
      setRejecting(false);
      await queries.invalidateQueries({ queryKey: ["deal-quotes", dealId] });
      void queries.invalidateQueries({ queryKey: ["deal-activities", dealId] });  // sending schedules a follow-up
    } catch (error) {
      announce(error instanceof Error ? error.message : t("app.error"), "error");
      if (error instanceof ApiError && (error.status === 409 || error.status === 412)) {
        void queries.invalidateQueries({ queryKey: ["deal-quotes", dealId] });
      }
    } finally {
      setBusy(false);
    }
  }
  const actions = writable ? quoteActions(quote.status) : [];
  const reasonId = `reject-${quote.id}`;
  return (
    <tr data-quote-id={quote.id}>
      <th scope="row">{quote.number}</th>
      <td>{t(`deal.quotes.states.${quote.status}`, { defaultValue: quote.status })}
        {quote.order_id && <OrderNumber orderId={quote.order_id} />}
      </td>
      <td className="number">{formatMoney(quote.total ?? "0", quote.currency ?? "EUR", locale)}</td>
      <td className="wide">{quote.valid_until ? formatDate(quote.valid_until, locale) : "—"}</td>
      <td>
        <div className="actions">
          {actions.includes("send") && <button type="button" disabled={busy} onClick={() => void act("send")} aria-label={`${t("deal.quotes.send")} ${quote.number}`}>{t("deal.quotes.send")}</button>}
          {actions.includes("accept") && <button type="button" className="primary" disabled={busy} onClick={() => void act("accept")} aria-label={`${t("deal.quotes.accept")} ${quote.number}`}>{t("deal.quotes.accept")}</button>}
          {actions.includes("reject") && !rejecting && <button type="button" disabled={busy} onClick={() => setRejecting(true)} aria-label={`${t("deal.quotes.reject")} ${quote.number}`}>{t("deal.quotes.reject")}</button>}
        </div>
        {rejecting && (
          <form className="inline-form" onSubmit={(event) => { event.preventDefault(); void act("reject"); }}>
            <label htmlFor={reasonId}>{t("deal.quotes.rejectReason", { number: quote.number })}</label>
            <input id={reasonId} value={reason} onChange={(event) => setReason(event.target.value)} />
            <button type="submit" disabled={busy}>{t("deal.quotes.reject")}</button>
            <button type="button" onClick={() => setRejecting(false)}>{t("app.cancel")}</button>
          </form>
        )}
      </td>
    </tr>
  );
}

function OrderNumber({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const order = useQuery({
    queryKey: ["order", orderId],
    queryFn: async () => (await unwrap(api.GET("/api/v1/orders/{item_id}", { params: { path: { item_id: orderId } } }))).number ?? "",
    staleTime: Infinity,
  });
  return <span className="muted"> · {order.data ? t("deal.quotes.order", { number: order.data }) : t("deal.quotes.orderMade")}</span>;
}

export function DealQuotes({ deal, writable }: { deal: Opportunity; writable: boolean }) {
  const { t } = useTranslation();
  const [creating, setCreating] = useState(false);
  const quotes = useQuery({
    queryKey: ["deal-quotes", deal.id],
    queryFn: () => unwrap(api.GET("/api/v1/quotes", { params: { query: { opportunity_id: deal.id, limit: 100 } } })),
  });
  return (
    <section aria-labelledby="quotes-title" className="card">
      <div className="page-head">
        <h2 id="quotes-title">{t("deal.quotes.title")}</h2>
        {writable && !creating && <button type="button" onClick={() => setCreating(true)}>{t("deal.quotes.new")}</button>}
      </div>
      {creating && <QuoteForm deal={deal} onDone={() => setCreating(false)} />}
      {quotes.isPending && <Loading />}
      {quotes.isError && <ErrorPanel error={quotes.error} retry={() => void quotes.refetch()} />}
      {quotes.data && (quotes.data.items.length === 0 ? <p className="muted">{t("deal.quotes.none")}</p> : (
        <div className="table-wrap">
          <table className="quotes">
            <thead>
              <tr>
                <th scope="col">{t("deal.quotes.number")}</th><th scope="col">{t("deal.quotes.status")}</th>
                <th scope="col" className="number">{t("deal.quotes.total")}</th><th scope="col" className="wide">{t("deal.quotes.validUntil")}</th>
                <th scope="col">{t("deal.quotes.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {quotes.data.items.map((quote) => <QuoteRow key={`${quote.id}-${quote.version}`} quote={quote} dealId={deal.id ?? ""} writable={writable} />)}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function ActivityForm({ deal }: { deal: Opportunity }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [type, setType] = useState<(typeof ACTIVITY_TYPES)[number]>("task");
  const [subject, setSubject] = useState("");
  const [when, setWhen] = useState("");
  const [end, setEnd] = useState("");
  const { busy, errors: fieldErrors, problem, run } = useSubmission();
  // A problem that names no field is said under the subject.
  const message = formMessage(problem);
  const errors = message ? { subject: [message] } : fieldErrors;
  const meeting = type === "meeting";
  async function add(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const time = localToIso(when);
      const created = await unwrap(api.POST("/api/v1/activities", {
        body: {
          type, subject: subject.trim(), opportunity_id: deal.id, contact_id: deal.contact_id ?? null, account_id: deal.account_id ?? null,
          ...(meeting ? { start_at: time, end_at: localToIso(end) } : { due_at: time }),
        },
      }));
      announce(t("deal.activities.added", { subject: created.subject }));
      setSubject("");
      setWhen("");
      setEnd("");
      await queries.invalidateQueries({ queryKey: ["deal-activities", deal.id] });
    });
  }
  const whenKey = meeting ? "start_at" : "due_at";
  return (
    <form className="activity-form" onSubmit={add} noValidate>
      <Field id="activity-type" label={t("deal.activities.type")}>
        <select id="activity-type" value={type} onChange={(event) => setType(event.target.value as typeof type)}>
          {ACTIVITY_TYPES.map((value) => <option key={value} value={value}>{t(`deal.activities.types.${value}`)}</option>)}
        </select>
      </Field>
      <Field id="activity-subject" label={t("deal.activities.subject")} errors={errors.subject}>
        <input id="activity-subject" value={subject} onChange={(event) => setSubject(event.target.value)} {...invalidProps("activity-subject", errors.subject)} />
      </Field>
      <Field id="activity-when" label={meeting ? t("deal.activities.start") : t("deal.activities.due")} errors={errors[whenKey]}>
        <input id="activity-when" type="datetime-local" value={when} onChange={(event) => setWhen(event.target.value)}
          {...invalidProps("activity-when", errors[whenKey])} />
      </Field>
      {meeting && (
        <Field id="activity-end" label={t("deal.activities.end")} errors={errors.end_at}>
          <input id="activity-end" type="datetime-local" value={end} onChange={(event) => setEnd(event.target.value)} {...invalidProps("activity-end", errors.end_at)} />
        </Field>
      )}
      <button type="submit" className="primary" disabled={busy}>{t("deal.activities.add")}</button>
    </form>
  );
}

export function DealActivities({ deal, writable }: { deal: Opportunity; writable: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const key = ["deal-activities", deal.id];
  const activities = useQuery({
    queryKey: key,
    queryFn: () => unwrap(api.GET("/api/v1/activities", { params: { query: { opportunity_id: deal.id, sort: "due_at", limit: 200 } } })),
  });
  async function complete(activity: Activity) {
    try {
      await unwrap(api.POST("/api/v1/activities/{item_id}/complete", {
        params: { path: { item_id: activity.id ?? "" } }, headers: { "If-Match": etag(activity.version ?? 0) },
      }));
      announce(t("deal.activities.completed", { subject: activity.subject }));
    } catch (error) {
      announce(error instanceof Error ? error.message : t("app.error"), "error");
    }
    await queries.invalidateQueries({ queryKey: key });
  }
  const items = activities.data?.items ?? [];
  const open = items.filter((activity) => !activity.completed_at);
  const done = items.filter((activity) => activity.completed_at);
  const when = (activity: Activity) => activity.start_at ?? activity.due_at;
  return (
    <section aria-labelledby="activities-title" className="card">
      <h2 id="activities-title">{t("deal.activities.title")}</h2>
      {writable && <ActivityForm deal={deal} />}
      {activities.isPending && <Loading />}
      {activities.isError && <ErrorPanel error={activities.error} retry={() => void activities.refetch()} />}
      {activities.data && (items.length === 0 ? <p className="muted">{t("deal.activities.none")}</p> : (
        <ul className="tasks">
          {[...open, ...done].map((activity) => (
            <li key={activity.id} className={activity.completed_at ? "task done" : "task"}>
              {writable && !activity.completed_at
                ? <button type="button" className="check" aria-label={t("deal.activities.complete", { subject: activity.subject })}
                  onClick={() => void complete(activity)}>✓</button>
                : <span className="check-placeholder" aria-hidden="true">{activity.completed_at ? "✓" : ""}</span>}
              <span className="task-body">
                <span className="task-subject">{activity.subject}</span>
                <span className="muted">
                  {t(`deal.activities.types.${activity.type}`)}
                  {when(activity) ? ` · ${formatDateTime(when(activity) ?? "", locale)}` : ""}
                  {activity.completed_at ? ` · ${t("deal.activities.done", { time: formatDateTime(activity.completed_at, locale) })}` : ""}
                </span>
              </span>
            </li>
          ))}
        </ul>
      ))}
    </section>
  );
}
