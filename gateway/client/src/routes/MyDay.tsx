import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Activity, type Schemas } from "../api/client";
import { formatDateTime } from "../lib/format";
import { groupDay, whenOf } from "../lib/myday";
import { useLocale } from "../locale";
import { useAnnounce } from "../announcer";
import { ErrorPanel, Loading } from "../ui";
import { useNow } from "../useNow";

type MyDayPage = Schemas["MyDayOut"];

function CalendarLink() {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const link = useQuery({ queryKey: ["calendar-link"], queryFn: () => unwrap(api.GET("/api/v1/activities/calendar-link")), staleTime: Infinity });
  if (link.isPending) return <Loading />;
  if (link.isError) return <ErrorPanel error={link.error} retry={() => void link.refetch()} />;
  return (
    <section className="card" aria-labelledby="calendar-title">
      <h2 id="calendar-title">{t("myDay.calendar")}</h2>
      <p className="muted" id="calendar-help">{t("myDay.calendarHelp")}</p>
      <div className="copy-row">
        <input readOnly value={link.data.url ?? ""} aria-labelledby="calendar-title" aria-describedby="calendar-help"
          onFocus={(event) => event.target.select()} />
        <button type="button" onClick={() => {
          void navigator.clipboard?.writeText(link.data.url ?? "").then(() => setCopied(true));
        }}>{copied ? t("myDay.copied") : t("myDay.copy")}</button>
      </div>
    </section>
  );
}

export default function MyDay() {
  const { t } = useTranslation();
  const locale = useLocale();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const now = useNow();
  const day = useQuery({ queryKey: ["my-day"], queryFn: () => unwrap(api.GET("/api/v1/activities/my-day")), refetchInterval: 60_000 });
  const complete = useMutation({
    mutationFn: (activity: Activity) => unwrap(api.POST("/api/v1/activities/{item_id}/complete", { params: { path: { item_id: activity.id ?? "" } } })),
    onSuccess: (done, activity) => {
      queries.setQueryData<MyDayPage>(["my-day"], (page) => page && {
        ...page, items: (page.items ?? []).filter((item) => item.id !== done.id),
      });
      announce(t("myDay.completed", { subject: activity.subject }));
    },
    onError: (error) => announce(error.message, "error"),
  });
  if (day.isPending) return <Loading />;
  if (day.isError) return <ErrorPanel error={day.error} retry={() => void day.refetch()} />;
  const groups = groupDay(day.data.items ?? [], now);
  const empty = !groups.overdue.length && !groups.today.length && !groups.undated.length;
  const list = (title: string, id: string, items: Activity[], late = false) => items.length > 0 && (
    <section aria-labelledby={id}>
      <h2 id={id} className={late ? "late" : undefined}>{title} <span className="badge">{items.length}</span></h2>
      <ul className="tasks">
        {items.map((activity) => {
          const when = whenOf(activity);
          return (
            <li key={activity.id} className={late ? "task late" : "task"}>
              <button type="button" className="check" disabled={complete.isPending && complete.variables?.id === activity.id}
                aria-label={t("myDay.complete", { subject: activity.subject })} onClick={() => complete.mutate(activity)}>✓</button>
              <span className="task-body">
                <span className="task-subject">{activity.subject}</span>
                <span className="muted">{t(`myDay.types.${activity.type}`)}{when ? ` · ${formatDateTime(when, locale)}` : ""}</span>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
  return (
    <section aria-labelledby="myday-title">
      <h1 id="myday-title">{t("myDay.title")}</h1>
      {empty ? <p>{t("myDay.none")}</p> : (
        <>
          {list(t("myDay.overdue"), "overdue", groups.overdue, true)}
          {list(t("myDay.today"), "today", groups.today)}
          {list(t("myDay.later"), "undated", groups.undated)}
        </>
      )}
      <CalendarLink />
    </section>
  );
}
