// What every marketing screen shares: its texts, its stylesheet, the tabs between segments,
// templates and campaigns, and a list table.
import type { ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { addMessages } from "../../i18n";
import { marketingMessages } from "../../messages/marketing";
import "./marketing.css";

addMessages(marketingMessages);

export function MarketingTabs() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("mkt.nav")} className="tabs">
      <ul>
        <li><NavLink to="/marketing/segments">{t("mkt.segments")}</NavLink></li>
        <li><NavLink to="/marketing/templates">{t("mkt.templates")}</NavLink></li>
        <li><NavLink to="/marketing/campaigns">{t("mkt.campaigns")}</NavLink></li>
      </ul>
    </nav>
  );
}

export function MarketingPage({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby="mkt-title">
      <MarketingTabs />
      <div className="page-head">
        <h1 id="mkt-title">{title}</h1>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** The Idempotency-Key of a create: a retried click makes one record, not two. */
export const idempotency = () => ({ "Idempotency-Key": crypto.randomUUID() });
