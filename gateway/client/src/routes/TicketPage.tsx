import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap } from "../api/client";
import { formatDateTime } from "../lib/format";
import { can } from "../lib/nav";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { useAnnounce } from "../announcer";
import { SlaBadge } from "../SlaBadge";
import { useNow } from "../useNow";
import { ErrorPanel, Field, invalidProps, Loading } from "../ui";

function Composer({ ticketId, publicReply }: { ticketId: string; publicReply: boolean }) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const [body, setBody] = useState("");
  const [errors, setErrors] = useState<string[] | undefined>();
  const [busy, setBusy] = useState(false);
  const id = publicReply ? "reply" : "note";
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors(undefined);
    try {
      await unwrap(api.POST("/api/v1/tickets/{item_id}/messages", {
        params: { path: { item_id: ticketId } }, body: { body, public: publicReply },
      }));
      setBody("");
      announce(publicReply ? t("ticket.sent") : t("ticket.noted"));
      await queries.invalidateQueries({ queryKey: ["ticket", ticketId] });
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors(error.fieldErrors.body ?? [error.message]);
      } else throw error;
    } finally {
      setBusy(false);
    }
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

export default function TicketPage() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const now = useNow(15_000);
  const { user } = useSession();
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
          <Composer ticketId={id} publicReply />
          <Composer ticketId={id} publicReply={false} />
        </div>
      )}
    </article>
  );
}
