import { useTranslation } from "react-i18next";
import type { Ticket } from "./api/client";
import { formatTimeLeft } from "./lib/format";
import { slaClock } from "./lib/sla";
import { useLocale } from "./locale";

export function SlaBadge({ ticket, now }: { ticket: Pick<Ticket, "sla">; now: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const clock = slaClock(ticket, now);
  if (!clock) return <span className="sla none">{t("queue.noSla")}</span>;
  const time = formatTimeLeft(clock.dueAt, now, locale);
  return (
    <span className={clock.breached ? "sla breached" : "sla"} title={new Date(clock.dueAt).toLocaleString(locale)}>
      {clock.breached ? t("queue.breached", { time }) : t("queue.left", { time })}
    </span>
  );
}
