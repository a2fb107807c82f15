import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { formatDateTime } from "../lib/format";
import { can } from "../lib/nav";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { useAnnounce } from "../announcer";
import { SlaBadge } from "../SlaBadge";
import { useNow } from "../useNow";
import { useSubmission } from "../useSubmission";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";

type Draft = [string, (body: string) => void];

function Composer({ ticketId, publicReply, draft }: { ticketId: string; publicReply: boolean; draft: Draft }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [body, setBody] = draft;
  const { busy, problem, run } = useSubmission();
  // One field: whatever the API says, it says it there.
  const errors = problem ? problem.fieldErrors.body ?? [problem.message] : undefined;
  const id = publicReply ? "reply" : "note";
  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      await unwrap(api.POST("/api/v1/tickets/{item_id}/messages", {
        params: { path: { item_id: ticketId } }, body: { body, public: publicReply },
      }));
      setBody("");
      announce(publicReply ? t("ticket.sent") : t("ticket.noted"));
      await queries.invalidateQueries({ queryKey: ["ticket", ticketId] });
    });
  }
  return (
    <form className={publicReply ? "composer" : "composer internal"} onSubmit={submit} noValidate>
      <Field id={id} label={publicReply ? t("ticket.reply") : t("ticket.note")} errors={errors}>
        <textarea id={id} rows={4} value={body} onChange={(event) => setBody(event.target.value)} {...invalidProps(id, errors)} />
      </Field>
      <button type="submit" className={publicReply ? "primary" : undefined} disabled={busy}>
        {publicReply ? t("ticket.send") : t("ticket.addNote")}
      </button>
    </form>
  );
}

/** Published articles matching the ticket's words, best first: read in place, or added to
 * the reply in one click. */
function SuggestedArticles({ ticketId, onUse }: { ticketId: string; onUse?: (text: string) => void }) {
  const { t } = useTranslation();
  const suggested = useQuery({
    queryKey: ["ticket", ticketId, "suggested-articles"],
    queryFn: () => unwrap(api.GET("/api/v1/tickets/{item_id}/suggested-articles", {
      params: { path: { item_id: ticketId }, query: { limit: 5 } } })),
  });
  if (suggested.isPending) return null;
  if (suggested.isError) return <ErrorPanel error={suggested.error} retry={() => void suggested.refetch()} />;
  const articles = suggested.data.items ?? [];
  return (
    <section aria-labelledby="suggested-title" className="suggested">
      <h2 id="suggested-title">{t("ticket.suggested")}</h2>
      {articles.length === 0 ? <p className="muted">{t("ticket.noSuggestion")}</p> : (
        <ul>
          {articles.map((article) => (
            <li key={article.id}>
              <details>
                <summary>{article.title}</summary>
                <p className="message-body">{article.body}</p>
              </details>
              {onUse && (
                <button type="button" onClick={() => onUse(`${article.title}\n\n${article.body ?? ""}`)}>
                  {t("ticket.useInReply", { title: article.title })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function TicketPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow(15_000);
  const { user } = useSession();
  const reply = useState("");
  const note = useState("");
  const ticket = useQuery({
    queryKey: ["ticket", id],
    queryFn: () => unwrap(api.GET("/api/v1/tickets/{item_id}", { params: { path: { item_id: id } } })),
    refetchInterval: 30_000,
  });
  if (ticket.isPending) return <Loading />;
  if (ticket.isError) return <ErrorPanel error={ticket.error} retry={() => void ticket.refetch()} />;
  const data = ticket.data;
  return (
    <article aria-labelledby="ticket-title" className="ticket">
      <h1 id="ticket-title">{data.number} · {data.subject}</h1>
      <dl className="facts">
        <div><dt>{t("ticket.status")}</dt><dd>{t(`ticketStatus.${data.status}`, { defaultValue: data.status })}</dd></div>
        <div><dt>{t("ticket.priority")}</dt><dd>{t(`priority.${data.priority}`, { defaultValue: data.priority })}</dd></div>
        <div><dt>SLA</dt><dd><SlaBadge ticket={data} now={now} /></dd></div>
        {data.contact_id && <div><dt>{t("ticket.contact")}</dt><dd><Link to={`/contacts/${data.contact_id}`}>{t("ticket.openContact")}</Link></dd></div>}
      </dl>
      <section aria-labelledby="thread-title">
        <h2 id="thread-title">{t("ticket.thread")}</h2>
        <ol className="thread">
          {data.description && (
            <li className="message customer">
              <p className="meta">{t("ticket.customer")} · <time dateTime={data.created_at}>{formatDateTime(data.created_at ?? "", locale)}</time></p>
              <p className="message-body">{data.description}</p>
            </li>
          )}
          {(data.messages ?? []).map((message) => (
            <li key={message.id} className={`message ${message.author_type}${message.public ? "" : " internal"}`}>
              <p className="meta">
                {message.public ? t(`ticket.${message.author_type ?? "agent"}`) : t("ticket.internal")} ·{" "}
                <time dateTime={message.created_at}>{formatDateTime(message.created_at ?? "", locale)}</time>
              </p>
              <p className="message-body">{message.body}</p>
            </li>
          ))}
        </ol>
      </section>
      {can.answerTickets(user?.permissions) && (
        <div className="composers">
          <Composer ticketId={id} publicReply draft={reply} />
          <Composer ticketId={id} publicReply={false} draft={note} />
        </div>
      )}
      {can.readArticles(user?.permissions) && (
        <SuggestedArticles ticketId={id} onUse={can.answerTickets(user?.permissions)
          ? (text) => reply[1](reply[0] ? `${reply[0]}\n\n${text}` : text) : undefined} />
      )}
    </article>
  );
}
