// What the contact's and the account's 360 pages share: a part that shows as missing when
// its service did not answer, the open tickets with their SLA clocks, and the timeline.
import type { ReactNode } from "react";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import type { Ticket } from "./api/client";
import { formatDateTime } from "./lib/format";
import type { timelineOf } from "./lib/timeline";
import { useLocale } from "./locale";
import { SlaBadge } from "./SlaBadge";

export type Missing = { service: string; sections: string[]; reason?: string };

export function Part({ id, title, section, view, className, children }: {
  id: string; title: string; section: string; view: { missing: Missing[] }; className?: string; children: ReactNode;
}) {
  const { t } = useTranslation();
  // A section the caller may not read is not in the view at all: no card for it.
  if (!(section in view)) return null;
  const gone = view.missing.find((part) => part.sections.includes(section));
  return (
    <section className={className ? `card ${className}` : "card"} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {gone ? <p className="missing" role="note">{t("c360.missing", { sections: title, service: gone.service })}</p> : children}
    </section>
  );
}

export function TicketList({ tickets, now }: { tickets: Ticket[]; now: number }) {
  const { t } = useTranslation();
  if (tickets.length === 0) return <p className="muted">{t("c360.none")}</p>;
  return (
    <ul className="plain">
      {tickets.map((ticket) => (
        <li key={ticket.id}>
          <Link to={`/tickets/${ticket.id}`}>{ticket.number} {ticket.subject}</Link> · <SlaBadge ticket={ticket} now={now} />
        </li>
      ))}
    </ul>
  );
}

export function Timeline({ missing, timeline }: { missing: Missing[]; timeline: ReturnType<typeof timelineOf> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <section className="card wide" aria-labelledby="timeline">
      <h2 id="timeline">{t("c360.timeline")}</h2>
      {missing.length > 0 && (
        <div role="note" className="missing">
          <ul className="plain">
            {missing.map((part) => (
              <li key={part.service}>{t("c360.missing", { sections: part.sections.join(", "), service: part.service })}</li>
            ))}
          </ul>
        </div>
      )}
      {timeline.length === 0 ? <p className="muted">{t("c360.none")}</p> : (
        <ol className="timeline">
          {timeline.map((entry) => (
            <li key={`${entry.kind}:${entry.id}`}>
              <time dateTime={entry.at}>{formatDateTime(entry.at, locale)}</time>
              <span className={`kind ${entry.kind}`}>{t(`c360.kinds.${entry.kind}`)}</span>
              {entry.link ? <Link to={entry.link}>{entry.title}</Link> : <span>{entry.title}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
