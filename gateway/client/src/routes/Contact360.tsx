import { Link, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Activity, type Contact, type Opportunity, type Ticket } from "../api/client";
import { formatMoney, formatNumber } from "../lib/format";
import { timelineOf } from "../lib/timeline";
import { useLocale } from "../locale";
import { ErrorPanel, Loading } from "../ui";
import { Part, TicketList, Timeline, type Missing } from "../view360";
import { CustomValues } from "./CustomValues";
import { useNow } from "../useNow";
import { useSession } from "../session";
import { can } from "../lib/nav";
import { addContactMessages } from "../messages/contacts";

addContactMessages();

// The 360 document is composed by the gateway from several services; its parts are
// typed here as the client reads them (the OpenAPI document leaves the view untyped).
export type ContactView = {
  contact: Contact;
  opportunities?: { open?: Opportunity[]; past?: Opportunity[] } | null;
  activities?: { upcoming?: Activity[]; recent?: Activity[] } | null;
  tickets?: { open?: Ticket[]; recent?: Ticket[] } | null;
  lead_score?: { score?: number } | null;
  kpis?: { open_pipeline?: Record<string, string>; churn_risk?: { score?: number } } | null;
  missing: Missing[];
  complete: boolean;
} & Record<string, unknown>;

export default function Contact360() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow();
  const { user } = useSession();
  const view = useQuery({
    queryKey: ["contact360", id],
    queryFn: async () => (await unwrap(api.GET("/api/v1/contacts/{item_id}/360", { params: { path: { item_id: id } } }))) as unknown as ContactView,
  });
  if (view.isPending) return <Loading />;
  if (view.isError) return <ErrorPanel error={view.error} retry={() => void view.refetch()} />;
  const { contact, missing } = view.data;
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.email || "—";
  const deals = view.data.opportunities?.open ?? [];
  const tickets = view.data.tickets?.open ?? [];
  const timeline = timelineOf(view.data);
  const pipeline = Object.entries(view.data.kpis?.open_pipeline ?? {});
  return (
    <article aria-labelledby="contact-name" className="c360">
      <div className="page-head">
        <h1 id="contact-name">{name}</h1>
        <div className="actions">
          {Array.isArray(view.data.duplicates) && view.data.duplicates.length > 0 && (
            <Link className="button" to={`/contacts/${contact.id}/duplicates`}>
              {t("dupes.viewAll")} ({formatNumber(view.data.duplicates.length, locale)})
            </Link>
          )}
          {can.editContacts(user?.permissions) && <Link className="button" to={`/contacts/${contact.id}/edit`}>{t("c360.edit")}</Link>}
        </div>
      </div>
      <div className="c360-grid">
        <section className="card" aria-labelledby="identity">
          <h2 id="identity">{t("c360.identity")}</h2>
          <dl>
            {contact.title && <><dt>{t("field.title")}</dt><dd>{contact.title}</dd></>}
            {contact.email && <><dt>{t("field.email")}</dt><dd><a href={`mailto:${contact.email}`}>{contact.email}</a></dd></>}
            {contact.phone && <><dt>{t("field.phone")}</dt><dd><a href={`tel:${contact.phone}`}>{contact.phone}</a></dd></>}
            {contact.lifecycle_stage && <><dt>{t("field.lifecycle_stage")}</dt><dd>{t(`stage.${contact.lifecycle_stage}`)}</dd></>}
            {(contact.city || contact.country) && <><dt>{t("field.city")}</dt><dd>{[contact.city, contact.country].filter(Boolean).join(", ")}</dd></>}
            {(contact.tags ?? []).length > 0 && <><dt>{t("field.tags")}</dt><dd>{(contact.tags ?? []).join(", ")}</dd></>}
            <CustomValues object="contact" values={contact.custom_fields} />
          </dl>
        </section>
        <Part id="kpis" title={t("c360.kpis")} section="kpis" view={view.data}>
          {pipeline.length === 0 && view.data.kpis?.churn_risk?.score == null && view.data.lead_score?.score == null
            ? <p className="muted">{t("c360.none")}</p> : null}
          <dl>
            {pipeline.map(([currency, amount]) => (
              <div key={currency}><dt>{t("c360.openPipeline")}</dt><dd>{formatMoney(amount, currency, locale)}</dd></div>
            ))}
            {view.data.kpis?.churn_risk?.score != null && <div><dt>{t("c360.churnRisk")}</dt><dd>{formatNumber(view.data.kpis.churn_risk.score, locale)}</dd></div>}
            {view.data.lead_score?.score != null && <div><dt>{t("c360.leadScore")}</dt><dd>{formatNumber(view.data.lead_score.score, locale)}</dd></div>}
          </dl>
        </Part>
        <Part id="deals" title={t("c360.deals")} section="opportunities" view={view.data}>
          {deals.length === 0 ? <p className="muted">{t("c360.none")}</p> : (
            <ul className="plain">
              {deals.map((deal) => (
                <li key={deal.id}>
                  <strong>{deal.name}</strong> · {deal.stage_name} · {formatMoney(deal.amount ?? "0", deal.currency ?? "EUR", locale)}
                </li>
              ))}
            </ul>
          )}
        </Part>
        <Part id="tickets" title={t("c360.tickets")} section="tickets" view={view.data}>
          <TicketList tickets={tickets} now={now} />
        </Part>
        <Timeline missing={missing} timeline={timeline} />
      </div>
    </article>
  );
}
