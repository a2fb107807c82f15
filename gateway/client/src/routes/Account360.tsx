// An account's 360 page: identity, its people, key figures, open deals, open tickets with
// their SLA clocks and a timeline, composed by the gateway from every service. A part whose
// service did not answer shows as missing; the rest still shows.
import { Link, useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Activity, type Contact, type Opportunity, type Schemas, type Ticket } from "../api/client";
import { formatDate, formatMoney, formatNumber } from "../lib/format";
import { timelineOf } from "../lib/timeline";
import { useLocale } from "../locale";
import { ErrorPanel, Loading } from "../ui";
import { Part, TicketList, Timeline, type Missing } from "../view360";
import { useNow } from "../useNow";
import { useSession } from "../session";
import { can } from "../lib/nav";
import { CustomValues } from "./CustomValues";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

type Signal = { score?: number; reasons?: { code: string; detail?: string }[] };
type AccountKpis = { lifetime_value?: Record<string, string>; orders?: number; churn_risk?: Signal; upsell?: Signal;
  last_activity_at?: string | null; open_pipeline?: Record<string, string> };
type Campaign = { campaign_id: string; name: string; recipients?: number; opened?: number; clicked?: number; last_sent_at?: string | null };
export type AccountView = {
  account: Schemas["AccountOut"];
  contacts?: { items?: Contact[]; next_cursor?: string | null } | null;
  opportunities?: { open?: Opportunity[]; past?: Opportunity[] } | null;
  activities?: { upcoming?: Activity[]; recent?: Activity[] } | null;
  tickets?: { open?: Ticket[]; recent?: Ticket[] } | null;
  campaigns?: Campaign[] | null;
  kpis?: AccountKpis | null;
  missing: Missing[];
  complete: boolean;
} & Record<string, unknown>;

const personName = (contact: Contact) =>
  [contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.email || "—";

export default function Account360() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow();
  const { user } = useSession();
  const view = useQuery({
    queryKey: ["account360", id],
    queryFn: async () => (await unwrap(api.GET("/api/v1/accounts/{item_id}/360", { params: { path: { item_id: id } } }))) as unknown as AccountView,
  });
  if (view.isPending) return <Loading />;
  if (view.isError) return <ErrorPanel error={view.error} retry={() => void view.refetch()} />;
  const data = view.data;
  const { account, missing } = data;
  const people = data.contacts?.items ?? [];
  const deals = data.opportunities?.open ?? [];
  const tickets = data.tickets?.open ?? [];
  const kpis = data.kpis ?? {};
  // The account's campaigns are counted over its people: dated by their last send.
  const timeline = timelineOf({ ...data, campaigns: (data.campaigns ?? []).map((campaign) => ({
    id: campaign.campaign_id, name: campaign.name, sent_at: campaign.last_sent_at })) });
  const money = (amounts?: Record<string, string>) => Object.entries(amounts ?? {})
    .map(([currency, amount]) => formatMoney(amount, currency, locale)).join(" · ");
  const signal = (label: string, value?: Signal) => value?.score == null ? null : (
    <div>
      <dt>{label}</dt>
      <dd>
        {formatNumber(value.score, locale)} / 100
        {(value.reasons ?? []).length > 0 && (
          <ul className="plain reasons">
            {value.reasons!.map((reason) => (
              <li key={reason.code} title={reason.detail}>{t(`accounts.reasons.${reason.code}`, { defaultValue: reason.detail ?? reason.code })}</li>
            ))}
          </ul>
        )}
      </dd>
    </div>
  );
  return (
    <article aria-labelledby="account-name" className="c360">
      <div className="page-head">
        <h1 id="account-name">{account.name}</h1>
        <div className="actions">
          <Link className="button" to={`/contacts?account_id=${account.id}`}>{t("accounts.allContacts")}</Link>
          {can.editAccounts(user?.permissions) && <Link className="button" to={`/accounts/${account.id}/edit`}>{t("accounts.edit")}</Link>}
        </div>
      </div>
      <div className="c360-grid">
        <section className="card" aria-labelledby="identity">
          <h2 id="identity">{t("c360.identity")}</h2>
          <dl>
            {account.domain && <><dt>{t("accounts.domain")}</dt><dd>{account.domain}</dd></>}
            {account.website && <><dt>{t("accounts.website")}</dt><dd><a href={account.website} rel="noreferrer noopener" target="_blank">{account.website}</a></dd></>}
            {account.industry && <><dt>{t("accounts.industry")}</dt><dd>{account.industry}</dd></>}
            {account.tier && <><dt>{t("accounts.tier")}</dt><dd>{t(`accounts.tiers.${account.tier}`)}</dd></>}
            {account.size && <><dt>{t("accounts.size")}</dt><dd>{t("accounts.employees", { size: account.size })}</dd></>}
            {account.phone && <><dt>{t("field.phone")}</dt><dd><a href={`tel:${account.phone}`}>{account.phone}</a></dd></>}
            {(account.city || account.country) && <><dt>{t("accounts.place")}</dt><dd>{[account.address_line, account.postal_code, account.city, account.country].filter(Boolean).join(", ")}</dd></>}
            <CustomValues object="account" values={account.custom_fields} />
          </dl>
        </section>
        <Part id="kpis" title={t("c360.kpis")} section="kpis" view={data}>
          <dl>
            <div><dt>{t("accounts.lifetimeValue")}</dt><dd>{money(kpis.lifetime_value) || "—"}</dd></div>
            <div><dt>{t("accounts.orders")}</dt><dd>{formatNumber(kpis.orders ?? 0, locale)}</dd></div>
            <div><dt>{t("c360.openPipeline")}</dt><dd>{money(kpis.open_pipeline) || "—"}</dd></div>
            <div><dt>{t("accounts.lastActivity")}</dt><dd>{kpis.last_activity_at ? formatDate(kpis.last_activity_at, locale) : "—"}</dd></div>
            {signal(t("c360.churnRisk"), kpis.churn_risk)}
            {signal(t("accounts.upsell"), kpis.upsell)}
          </dl>
        </Part>
        <Part id="people" title={t("accounts.people", { count: people.length })} section="contacts" view={data}>
          {people.length === 0 ? <p className="muted">{t("c360.none")}</p> : (
            <ul className="plain people">
              {people.map((person) => (
                <li key={person.id}>
                  <Link to={`/contacts/${person.id}`}>{personName(person)}</Link>
                  {person.title && <span className="muted"> · {person.title}</span>}
                  {person.email && <span className="muted"> · {person.email}</span>}
                </li>
              ))}
            </ul>
          )}
          {data.contacts?.next_cursor && <Link to={`/contacts?account_id=${account.id}`}>{t("accounts.allContacts")}</Link>}
        </Part>
        <Part id="deals" title={t("c360.deals")} section="opportunities" view={data}>
          {deals.length === 0 ? <p className="muted">{t("c360.none")}</p> : (
            <ul className="plain">
              {deals.map((deal) => (
                <li key={deal.id}>
                  <Link to={`/deals/${deal.id}`}><strong>{deal.name}</strong></Link> · {deal.stage_name} · {formatMoney(deal.amount ?? "0", deal.currency ?? "EUR", locale)}
                </li>
              ))}
            </ul>
          )}
        </Part>
        <Part id="tickets" title={t("c360.tickets")} section="tickets" view={data}>
          <TicketList tickets={tickets} now={now} />
        </Part>
        <Timeline missing={missing} timeline={timeline} />
      </div>
    </article>
  );
}
