// The support manager's view of a team's backlog: its open tickets per assignee with
// their age and SLA state, and a reassignment from each row.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Ticket } from "../api/client";
import { addMessages } from "../i18n";
import { supportMessages } from "../messages/support";
import { isOld, slaState, workloads, type Workload } from "../lib/backlog";
import { formatTimeLeft } from "../lib/format";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { useAnnounce } from "../announcer";
import { SlaBadge } from "../SlaBadge";
import { usePeople } from "../usePeople";
import { useNow } from "../useNow";
import { ErrorPanel, Loading } from "../ui";
import "./sales-support.css";

addMessages(supportMessages);

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;

function Reassign({ ticket, teamId, members, onDone }: {
  ticket: Ticket; teamId: string; members: { id: string; name: string }[]; onDone: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const [choice, setChoice] = useState(ticket.assignee_id ?? "");
  const [busy, setBusy] = useState(false);
  const id = `assign-${ticket.id}`;
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      await unwrap(api.POST("/api/v1/tickets/{item_id}/assign", {
        params: { path: { item_id: ticket.id ?? "" } }, headers: { "If-Match": etag(ticket.version ?? 0) },
        body: { assignee_id: choice || null, team_id: teamId },
      }));
      const name = members.find((member) => member.id === choice)?.name ?? "";
      announce(choice ? t("backlog.assigned", { number: ticket.number, name }) : t("backlog.unassignedDone", { number: ticket.number }));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 412 || error.status === 409)) {
        announce(t("backlog.conflict", { number: ticket.number }), "error");
      } else announce(error instanceof Error ? error.message : t("app.error"), "error");
    } finally {
      setBusy(false);
    }
    await onDone();
  }
  return (
    <form className="inline-form reassign" onSubmit={submit}>
      <label htmlFor={id} className="sr-only">{t("backlog.assignTo", { number: ticket.number })}</label>
      <select id={id} value={choice} onChange={(event) => setChoice(event.target.value)}>
        <option value="">{t("backlog.nobody")}</option>
        {members.map((member) => <option key={member.id} value={member.id}>{member.name}</option>)}
      </select>
      <button type="submit" disabled={busy || choice === (ticket.assignee_id ?? "")}
        aria-label={`${t("backlog.assign")} ${ticket.number}`}>{t("backlog.assign")}</button>
    </form>
  );
}

function Group({ load, title, teamId, members, now, onChanged }: {
  load: Workload; title: string; teamId: string; members: { id: string; name: string }[]; now: number; onChanged: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const headingId = `load-${load.assigneeId ?? "none"}`;
  return (
    <section aria-labelledby={headingId} className="backlog-person card" data-assignee={load.assigneeId ?? ""}>
      <h2 id={headingId}>
        {title} <span className="badge">{t("backlog.load", { count: load.tickets.length })}</span>
        {load.breached > 0 && <span className="badge breached-badge">{t("backlog.breachedCount", { count: load.breached })}</span>}
        {load.atRisk > 0 && <span className="badge">{t("backlog.atRiskCount", { count: load.atRisk })}</span>}
      </h2>
      {load.tickets.length === 0 ? <p className="muted">{t("backlog.empty")}</p> : (
        <div className="table-wrap">
          <table className="queue backlog">
            <thead>
              <tr>
                <th scope="col">{t("backlog.number")}</th>
                <th scope="col">{t("backlog.subject")}</th>
                <th scope="col" className="wide">{t("backlog.priority")}</th>
                <th scope="col" className="wide">{t("backlog.status")}</th>
                <th scope="col">{t("backlog.age")}</th>
                <th scope="col">{t("backlog.due")}</th>
                <th scope="col">{t("backlog.reassign")}</th>
              </tr>
            </thead>
            <tbody>
              {load.tickets.map((ticket) => {
                const old = isOld(ticket, now);
                return (
                  <tr key={ticket.id} className={`priority-${ticket.priority} sla-${slaState(ticket, now)}`} data-ticket-id={ticket.id}>
                    <th scope="row"><Link to={`/tickets/${ticket.id}`}>{ticket.number}</Link></th>
                    <td>{ticket.subject}</td>
                    <td className="wide">{t(`priority.${ticket.priority}`, { defaultValue: ticket.priority })}</td>
                    <td className="wide">{t(`ticketStatus.${ticket.status}`, { defaultValue: ticket.status })}</td>
                    <td className={old ? "age-old" : undefined}>
                      <time dateTime={ticket.created_at}>{formatTimeLeft(ticket.created_at ?? "", now, locale)}</time>
                      {old && <span className="sr-only"> ({t("backlog.old")})</span>}
                    </td>
                    <td><SlaBadge ticket={ticket} now={now} /></td>
                    <td><Reassign key={`${ticket.id}-${ticket.version}`} ticket={ticket} teamId={teamId} members={members} onDone={onChanged} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function TeamBacklog() {
  const { t } = useTranslation();
  const { user } = useSession();
  const now = useNow(30_000);
  const queries = useQueryClient();
  const [params, setParams] = useSearchParams();
  const { nameOf } = usePeople();
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value); else next.delete(name);
    setParams(next, { replace: true });
  };
  const teams = useQuery({ queryKey: ["teams"], queryFn: () => unwrap(api.GET("/api/v1/teams")) });
  const all = teams.data?.items ?? [];
  const team = all.find((item) => item.id === params.get("team"))
    ?? all.find((item) => item.manager_id === user?.id) ?? all.find((item) => item.is_default) ?? all[0];
  const priority = params.get("priority") ?? "";
  const breached = params.get("breached") === "true";
  const key = ["backlog", team?.id, priority, breached];
  const tickets = useInfiniteQuery({
    queryKey: key,
    enabled: Boolean(team?.id),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/tickets", {
      params: { query: {
        team_id: team?.id ?? "", open: true, sort: "resolution_due_at", limit: 200,
        ...(priority ? { priority: [priority as (typeof PRIORITIES)[number]] } : {}), ...(breached ? { breached: true } : {}),
        ...(pageParam ? { cursor: pageParam } : {}),
      } },
    })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: 30_000,
  });
  if (teams.isPending) return <Loading />;
  if (teams.isError) return <ErrorPanel error={teams.error} retry={() => void teams.refetch()} />;
  if (!team) return <section><h1>{t("backlog.title")}</h1><p>{t("backlog.noTeam")}</p></section>;
  const memberIds = team.members ?? [];
  const members = memberIds.map((id) => ({ id, name: nameOf(id) ?? id })).sort((a, b) => a.name.localeCompare(b.name));
  const list = tickets.data?.pages.flatMap((page) => page.items) ?? [];
  const loads = workloads(list, memberIds, nameOf, now);
  const title = (load: Workload) => {
    if (!load.assigneeId) return t("backlog.unassigned");
    const name = nameOf(load.assigneeId) ?? t("backlog.someone");
    return load.member ? name : t("backlog.notMember", { name });
  };
  const breachedCount = loads.reduce((sum, load) => sum + load.breached, 0);
  const atRiskCount = loads.reduce((sum, load) => sum + load.atRisk, 0);
  const unassigned = loads.find((load) => load.assigneeId === null)?.tickets.length ?? 0;
  const refresh = () => queries.invalidateQueries({ queryKey: key });
  return (
    <section aria-labelledby="backlog-title">
      <h1 id="backlog-title">{t("backlog.title")} · {team.name}</h1>
      <form className="filters" onSubmit={(event) => event.preventDefault()} aria-label={t("backlog.title")}>
        {all.length > 1 && (
          <div className="filter">
            <label htmlFor="backlog-team">{t("backlog.team")}</label>
            <select id="backlog-team" value={team.id} onChange={(event) => set("team", event.target.value)}>
              {all.map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
            </select>
          </div>
        )}
        <div className="filter">
          <label htmlFor="backlog-priority">{t("backlog.priority")}</label>
          <select id="backlog-priority" value={priority} onChange={(event) => set("priority", event.target.value)}>
            <option value="">{t("backlog.anyPriority")}</option>
            {PRIORITIES.map((value) => <option key={value} value={value}>{t(`priority.${value}`)}</option>)}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="backlog-sla">{t("backlog.sla")}</label>
          <select id="backlog-sla" value={breached ? "true" : ""} onChange={(event) => set("breached", event.target.value)}>
            <option value="">{t("backlog.anySla")}</option>
            <option value="true">{t("backlog.breachedOnly")}</option>
          </select>
        </div>
      </form>
      {tickets.isPending && <Loading />}
      {tickets.isError && <ErrorPanel error={tickets.error} retry={() => void tickets.refetch()} />}
      {tickets.data && (
        <>
          <p className="backlog-summary" data-testid="backlog-summary">
            {t("backlog.summary", { count: list.length })}
            {" · "}{t("backlog.breachedCount", { count: breachedCount })}
            {" · "}{t("backlog.atRiskCount", { count: atRiskCount })}
            {" · "}{t("backlog.unassignedCount", { count: unassigned })}
          </p>
          {loads.map((load) => (
            <Group key={load.assigneeId ?? "none"} load={load} title={title(load)} teamId={team.id ?? ""} members={members} now={now} onChanged={refresh} />
          ))}
          {tickets.hasNextPage && (
            <button type="button" disabled={tickets.isFetchingNextPage} onClick={() => void tickets.fetchNextPage()}>{t("backlog.more")}</button>
          )}
        </>
      )}
    </section>
  );
}
