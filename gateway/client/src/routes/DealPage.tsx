// A deal: its facts, its stage history, what to do next (edit, win, lose, reopen), its
// quotes (made from the catalogue, sent, accepted into an order or rejected) and its activities.
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Opportunity } from "../api/client";
import { addMessages } from "../i18n";
import { salesMessages } from "../messages/sales";
import { dealActions, decimalInput } from "../lib/deal";
import { changedFields, rebase, type FieldChange } from "../lib/conflict";
import { formatDate, formatDateTime, formatMoney } from "../lib/format";
import { can } from "../lib/nav";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { useAnnounce } from "../announcer";
import { usePeople } from "../usePeople";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";
import { DealActivities, DealQuotes, StageHistory } from "./DealParts";
import { ConflictPanel } from "./ConflictPanel";
import "./sales-support.css";

addMessages(salesMessages);

const SALES_ROLES = new Set(["sales_rep", "sales_manager", "admin"]);

type Draft = {
  name: string; amount: string; currency: string; expected_close_date: string; probability: string;
  owner_id: string; description: string;
};

const draftOf = (deal: Opportunity): Draft => ({
  name: deal.name ?? "", amount: deal.amount ?? "", currency: deal.currency ?? "",
  expected_close_date: deal.expected_close_date ?? "",
  probability: deal.probability_overridden ? String(deal.probability ?? "") : "",
  owner_id: deal.owner_id ?? "", description: deal.description ?? "",
});

const FIELD_LABELS: Record<keyof Draft, string> = {
  name: "deal.name", amount: "deal.amount", currency: "deal.currency", expected_close_date: "deal.close",
  probability: "deal.probability", owner_id: "deal.owner", description: "deal.description",
};

function EditDeal({ deal, onDone }: { deal: Opportunity; onDone: () => void }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const { people, nameOf } = usePeople();
  const [draft, setDraft] = useState<Draft>(() => draftOf(deal));
  // What the form started from: the version sent as If-Match and the values a conflict is
  // measured against, so that a background refetch never overwrites the user's typing.
  const [base, setBase] = useState(() => ({ values: draftOf(deal), version: deal.version ?? 0 }));
  const [conflict, setConflict] = useState<{ theirs: Draft; version: number; changes: FieldChange[] } | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const owners = people.filter((person) => SALES_ROLES.has(person.role ?? "") || person.id === draft.owner_id);

  async function save(values: Draft, version: number) {
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      const probability = values.probability.trim();
      const saved = await unwrap(api.PATCH("/api/v1/opportunities/{item_id}", {
        params: { path: { item_id: deal.id ?? "" } },
        headers: { "If-Match": etag(version) },
        body: {
          name: values.name.trim(), amount: decimalInput(values.amount), currency: values.currency.trim().toUpperCase(),
          expected_close_date: values.expected_close_date || null, description: values.description.trim() || null,
          probability: probability === "" ? null : Number(probability),
          ...(values.owner_id ? { owner_id: values.owner_id } : {}),
        },
      }));
      queries.setQueryData(["deal", deal.id], saved);
      void queries.invalidateQueries({ queryKey: ["deal-history", deal.id] });
      announce(t("deal.saved"));
      onDone();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 412) {
        const current = await unwrap(api.GET("/api/v1/opportunities/{item_id}", { params: { path: { item_id: deal.id ?? "" } } }));
        queries.setQueryData(["deal", deal.id], current);
        const theirs = draftOf(current);
        setConflict({ theirs, version: current.version ?? 0, changes: changedFields(base.values, theirs, values) });
      } else {
        setErrors(error.fieldErrors);
        if (!Object.keys(error.fieldErrors).length) setProblem(error.message);
      }
    } finally {
      setBusy(false);
    }
  }
  function keepMine() {
    if (!conflict) return;
    const merged = rebase(base.values, conflict.theirs, draft);
    setBase({ values: conflict.theirs, version: conflict.version });
    setDraft(merged);
    setConflict(null);
    void save(merged, conflict.version);
  }
  function takeTheirs() {
    if (!conflict) return;
    setDraft(conflict.theirs);
    setBase({ values: conflict.theirs, version: conflict.version });
    setConflict(null);
  }
  const shown = (field: string, value: string) => (field === "owner_id" ? nameOf(value) ?? value : value);
  const text = (name: keyof Draft, label: string, extra: Record<string, string> = {}) => (
    <Field id={`deal-${name}`} label={label} errors={errors[name]}>
      <input id={`deal-${name}`} value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        {...extra} {...invalidProps(`deal-${name}`, errors[name])} />
    </Field>
  );
  return (
    <form className="form card" onSubmit={(event) => { event.preventDefault(); void save(draft, base.version); }} noValidate
      aria-labelledby="edit-deal-title">
      <h2 id="edit-deal-title">{t("deal.editTitle")}</h2>
      {problem && <p className="form-error" role="alert">{problem}</p>}
      {conflict && <ConflictPanel id="deal-conflict-title" title={t("deal.conflictTitle")} changes={conflict.changes}
        label={(field) => t(FIELD_LABELS[field as keyof Draft])} shown={shown} keepMine={keepMine} takeTheirs={takeTheirs} />}
      <div className="grid">
        {text("name", t("deal.name"))}
        {text("amount", t("deal.amount"), { inputMode: "decimal" })}
        {text("currency", t("deal.currency"), { maxLength: "3", autoComplete: "off" })}
        {text("expected_close_date", t("deal.close"), { type: "date" })}
        <Field id="deal-probability" label={t("deal.probability")} errors={errors.probability}>
          <input id="deal-probability" type="number" min={0} max={100} value={draft.probability} aria-describedby="deal-probability-help"
            onChange={(event) => setDraft({ ...draft, probability: event.target.value })} {...invalidProps("deal-probability", errors.probability)} />
          <span className="muted" id="deal-probability-help">{t("deal.probabilityHelp")}</span>
        </Field>
        <Field id="deal-owner" label={t("deal.owner")} errors={errors.owner_id}>
          <select id="deal-owner" value={draft.owner_id} onChange={(event) => setDraft({ ...draft, owner_id: event.target.value })}
            {...invalidProps("deal-owner", errors.owner_id)}>
            {!draft.owner_id && <option value="">—</option>}
            {owners.map((person) => <option key={person.id} value={person.id}>{person.name}</option>)}
          </select>
        </Field>
      </div>
      <Field id="deal-description" label={t("deal.description")} errors={errors.description}>
        <textarea id="deal-description" rows={3} value={draft.description}
          onChange={(event) => setDraft({ ...draft, description: event.target.value })} {...invalidProps("deal-description", errors.description)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{t("app.save")}</button>
        <button type="button" onClick={onDone}>{t("app.cancel")}</button>
      </div>
    </form>
  );
}

function LoseDeal({ deal, onDone }: { deal: Opportunity; onDone: () => void }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<string[] | undefined>();
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const saved = await unwrap(api.POST("/api/v1/opportunities/{item_id}/lose", {
        params: { path: { item_id: deal.id ?? "" } }, headers: { "If-Match": etag(deal.version ?? 0) },
        body: { lost_reason: reason.trim() },
      }));
      queries.setQueryData(["deal", deal.id], saved);
      announce(t("deal.lost"));
      onDone();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setErrors(error.fieldErrors.lost_reason ?? [error.status === 412 ? t("deal.conflict") : error.message]);
      if (error.status === 412) void queries.invalidateQueries({ queryKey: ["deal", deal.id] });
    }
  }
  return (
    <form className="form card" onSubmit={submit} noValidate>
      <Field id="lost-reason" label={t("deal.loseTitle")} errors={errors}>
        <input id="lost-reason" value={reason} onChange={(event) => setReason(event.target.value)} {...invalidProps("lost-reason", errors)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary">{t("deal.lose")}</button>
        <button type="button" onClick={onDone}>{t("app.cancel")}</button>
      </div>
    </form>
  );
}

export default function DealPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const { user } = useSession();
  const { nameOf } = usePeople();
  const [mode, setMode] = useState<"view" | "edit" | "lose">("view");
  const [busy, setBusy] = useState(false);
  const deal = useQuery({
    queryKey: ["deal", id],
    queryFn: () => unwrap(api.GET("/api/v1/opportunities/{item_id}", { params: { path: { item_id: id } } })),
    refetchInterval: mode === "view" ? 30_000 : false,  // someone else's change shows without a reload
  });
  if (deal.isPending) return <Loading />;
  if (deal.isError) return <ErrorPanel error={deal.error} retry={() => void deal.refetch()} />;
  const data = deal.data;
  const writable = can.moveDeals(user?.permissions);
  const actions = writable ? dealActions(data.status) : [];

  async function close(kind: "win" | "reopen") {
    setBusy(true);
    try {
      const options = { params: { path: { item_id: id } }, headers: { "If-Match": etag(data.version ?? 0) } };
      const saved = kind === "win"
        ? await unwrap(api.POST("/api/v1/opportunities/{item_id}/win", options))
        : await unwrap(api.POST("/api/v1/opportunities/{item_id}/reopen", { ...options, body: {} }));
      queries.setQueryData(["deal", id], saved);
      void queries.invalidateQueries({ queryKey: ["deal-history", id] });
      announce(kind === "win" ? t("deal.won") : t("deal.reopened"));
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        announce(t("deal.conflict"), "error");
        void queries.invalidateQueries({ queryKey: ["deal", id] });
      } else announce(error instanceof Error ? error.message : t("app.error"), "error");
    } finally {
      setBusy(false);
    }
  }

  return (
    <article aria-labelledby="deal-title" className="deal-page">
      <p className="muted"><Link to="/pipeline">{t("deal.back")}</Link> › {data.pipeline_name}</p>
      <div className="page-head">
        <h1 id="deal-title">{data.name} <span className={`badge status-${data.status}`}>{t(`deal.status.${data.status}`)}</span></h1>
        {actions.length > 0 && mode === "view" && (
          <div className="actions">
            {actions.includes("edit") && <button type="button" onClick={() => setMode("edit")}>{t("deal.edit")}</button>}
            {actions.includes("win") && <button type="button" className="primary" disabled={busy} onClick={() => void close("win")}>{t("deal.win")}</button>}
            {actions.includes("lose") && <button type="button" onClick={() => setMode("lose")}>{t("deal.lose")}</button>}
            {actions.includes("reopen") && <button type="button" disabled={busy} onClick={() => void close("reopen")}>{t("deal.reopen")}</button>}
          </div>
        )}
      </div>
      {mode === "edit" && <EditDeal deal={data} onDone={() => setMode("view")} />}
      {mode === "lose" && <LoseDeal deal={data} onDone={() => setMode("view")} />}
      <dl className="facts card">
        <div><dt>{t("deal.amount")}</dt><dd data-testid="deal-amount">{formatMoney(data.amount ?? "0", data.currency ?? "EUR", locale)}</dd></div>
        <div><dt>{t("deal.weighted")}</dt><dd>{formatMoney(data.weighted_amount ?? "0", data.currency ?? "EUR", locale)}</dd></div>
        <div><dt>{t("deal.stage")}</dt><dd>{data.stage_name}</dd></div>
        <div><dt>{t("deal.probability")}</dt>
          <dd>{t("deal.probabilityValue", { value: data.probability ?? 0 })} {data.probability_overridden ? t("deal.overridden") : ""}</dd></div>
        <div><dt>{t("deal.close")}</dt><dd>{data.expected_close_date ? formatDate(data.expected_close_date, locale) : t("deal.noClose")}</dd></div>
        <div><dt>{t("deal.owner")}</dt><dd>{nameOf(data.owner_id) ?? "—"}</dd></div>
        {data.contact_id && <div><dt>{t("deal.contact")}</dt><dd><Link to={`/contacts/${data.contact_id}`}>{t("deal.openContact")}</Link></dd></div>}
        {data.closed_at && <div><dt>{t("deal.closedAt")}</dt><dd>{formatDateTime(data.closed_at, locale)}</dd></div>}
        {data.lost_reason && <div><dt>{t("deal.lostReason")}</dt><dd>{data.lost_reason}</dd></div>}
        {data.description && <div><dt>{t("deal.description")}</dt><dd className="message-body">{data.description}</dd></div>}
      </dl>
      <div className="deal-sections">
        <DealQuotes deal={data} writable={writable} />
        <DealActivities deal={data} writable={writable} />
        <StageHistory dealId={id} />
      </div>
    </article>
  );
}
