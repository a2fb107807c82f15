// A contact's own requests (tickets): the list, one request with its conversation and a
// reply, and a new request.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap } from "../../api/client";
import { conversation } from "../../lib/portal";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../locale";
import { useAnnounce } from "../../announcer";
import { formMessage, useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, invalidProps, Loading } from "../../ui";

const TYPES = ["question", "incident", "problem", "task"] as const;

/** A failed portal call: a session that ended sends the contact back to sign in. */
export function PortalError({ error, retry }: { error: unknown; retry: () => void }) {
  const queries = useQueryClient();
  const ended = error instanceof ApiError && (error.status === 401 || error.status === 410);
  useEffect(() => {
    if (ended) void queries.invalidateQueries({ queryKey: ["portal", "session"] });
  }, [ended, queries]);
  return <ErrorPanel error={error} retry={retry} />;
}

export function Requests() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const list = useInfiniteQuery({
    queryKey: ["portal", "tickets", open],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/portal/tickets", {
      params: { query: { limit: 50, ...(open ? { open: true } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
    })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: 60_000,
  });
  const tickets = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="requests-title">
      <div className="page-head">
        <h1 id="requests-title">{t("portal.tickets")}</h1>
        <Link className="button primary" to="/portal/tickets/new">{t("portal.newTicket")}</Link>
      </div>
      <label className="inline">
        <input type="checkbox" checked={open} onChange={(event) => setOpen(event.target.checked)} />
        <span>{t("portal.list.open")}</span>
      </label>
      {list.isPending && <Loading />}
      {list.isError && <PortalError error={list.error} retry={() => void list.refetch()} />}
      {list.data && (tickets.length === 0 ? <p>{t("portal.list.none")}</p> : (
        <div className="table-wrap">
          <table className="portal-requests">
            <thead>
              <tr>
                <th scope="col">{t("portal.list.number")}</th><th scope="col">{t("portal.list.subject")}</th>
                <th scope="col">{t("portal.list.status")}</th><th scope="col" className="wide">{t("portal.list.updated")}</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((ticket) => (
                <tr key={ticket.id}>
                  <th scope="row"><Link to={`/portal/tickets/${ticket.id}`}>{ticket.number}</Link></th>
                  <td>{ticket.subject}</td>
                  <td>{t(`portal.status.${ticket.status}`, { defaultValue: ticket.status })}</td>
                  <td className="wide">{ticket.updated_at ? formatDateTime(ticket.updated_at, locale) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {list.hasNextPage && <button type="button" onClick={() => void list.fetchNextPage()}>{t("queue.more")}</button>}
    </section>
  );
}

function Reply({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [body, setBody] = useState("");
  const { busy, problem, run } = useSubmission();
  // One field: whatever the API says, it says it there.
  const errors = problem ? problem.fieldErrors.body ?? [problem.message] : undefined;
  async function send(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      await unwrap(api.POST("/api/v1/portal/tickets/{item_id}/messages", { params: { path: { item_id: ticketId } }, body: { body } }));
      setBody("");
      announce(t("portal.ticket.sent"));
      await queries.invalidateQueries({ queryKey: ["portal", "tickets"] });
      await queries.invalidateQueries({ queryKey: ["portal", "ticket", ticketId] });
    });
  }
  return (
    <form className="composer" onSubmit={send} noValidate>
      <Field id="portal-reply" label={t("portal.ticket.reply")} errors={errors}>
        <textarea id="portal-reply" rows={5} value={body} onChange={(event) => setBody(event.target.value)}
          aria-describedby="portal-reply-help" {...invalidProps("portal-reply", errors)} />
      </Field>
      <p className="muted" id="portal-reply-help">{t("portal.ticket.reopens")}</p>
      <button type="submit" className="primary" disabled={busy}>{t("portal.ticket.send")}</button>
    </form>
  );
}

export function Request() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const ticket = useQuery({
    queryKey: ["portal", "ticket", id],
    queryFn: () => unwrap(api.GET("/api/v1/portal/tickets/{item_id}", { params: { path: { item_id: id } } })),
    refetchInterval: 30_000,
  });
  if (ticket.isPending) return <Loading />;
  if (ticket.isError) return <PortalError error={ticket.error} retry={() => void ticket.refetch()} />;
  const data = ticket.data;
  return (
    <article aria-labelledby="request-title" className="ticket">
      <p><Link to="/portal">{t("portal.ticket.back")}</Link></p>
      <h1 id="request-title">{data.number} · {data.subject}</h1>
      <p><span className="badge" data-testid="request-status">{t(`portal.status.${data.status}`, { defaultValue: data.status })}</span></p>
      <section aria-labelledby="conversation-title">
        <h2 id="conversation-title">{t("portal.ticket.thread")}</h2>
        <ol className="thread">
          {conversation(data).map((entry) => (
            <li key={entry.id} className={`message ${entry.author === "you" ? "customer" : entry.author}`}>
              <p className="meta">{t(`portal.ticket.${entry.author}`)} · <time dateTime={entry.at}>{formatDateTime(entry.at, locale)}</time></p>
              <p className="message-body">{entry.body}</p>
            </li>
          ))}
        </ol>
      </section>
      {data.status !== "closed" && <Reply ticketId={data.id ?? id} />}
    </article>
  );
}

/** The value once it has stopped changing for `delay` ms (a search while typing). */
function useSettled(value: string, delay = 400): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** Published articles that match what the customer is writing about, before they send it. */
function Suggestions({ subject }: { subject: string }) {
  const { t } = useTranslation();
  const q = useSettled(subject.trim());
  const found = useQuery({
    queryKey: ["portal", "kb", "suggest", q],
    enabled: q.length >= 3,
    queryFn: () => unwrap(api.GET("/api/v1/portal/kb/articles", { params: { query: { q, limit: 3 } } })),
  });
  const articles = q.length >= 3 ? found.data?.items ?? [] : [];
  if (!articles.length) return null;
  return (
    <aside className="card suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">{t("portal.create.suggested")}</h2>
      <ul className="articles">
        {articles.map((article) => (
          <li key={article.id}>
            <details>
              <summary>{article.title}</summary>
              <p className="article-body">{article.body}</p>
            </details>
          </li>
        ))}
      </ul>
    </aside>
  );
}

export function NewRequest() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [draft, setDraft] = useState({ subject: "", description: "", type: "question" });
  const { busy, errors, problem, run } = useSubmission();
  const message = formMessage(problem);
  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const created = await unwrap(api.POST("/api/v1/portal/tickets", {
        body: { subject: draft.subject.trim(), description: draft.description, type: draft.type as (typeof TYPES)[number] },
      }));
      announce(t("portal.create.created", { number: created.number }));
      await queries.invalidateQueries({ queryKey: ["portal", "tickets"] });
      navigate(`/portal/tickets/${created.id}`);
    });
  }
  return (
    <section aria-labelledby="new-request-title">
      <h1 id="new-request-title">{t("portal.create.title")}</h1>
      <form className="form" onSubmit={submit} noValidate>
        {message && <p className="form-error" role="alert">{message}</p>}
        <Field id="request-type" label={t("portal.create.type")} errors={errors.type}>
          <select id="request-type" value={draft.type} onChange={(event) => setDraft({ ...draft, type: event.target.value })}>
            {TYPES.map((value) => <option key={value} value={value}>{t(`portal.create.types.${value}`)}</option>)}
          </select>
        </Field>
        <Field id="request-subject" label={t("portal.create.subject")} errors={errors.subject}>
          <input id="request-subject" value={draft.subject} onChange={(event) => setDraft({ ...draft, subject: event.target.value })}
            {...invalidProps("request-subject", errors.subject)} />
        </Field>
        <Suggestions subject={draft.subject} />
        <Field id="request-description" label={t("portal.create.description")} errors={errors.description}>
          <textarea id="request-description" rows={8} value={draft.description}
            onChange={(event) => setDraft({ ...draft, description: event.target.value })} {...invalidProps("request-description", errors.description)} />
        </Field>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("portal.create.submit")}</button>
        </div>
      </form>
    </section>
  );
}
