import { Link } from "react-router-dom";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { useSession } from "../session";
import { SlaBadge } from "../SlaBadge";
import { useNow } from "../useNow";
import { ErrorPanel, Loading } from "../ui";

export default function Queue() {
  const { t } = useTranslation();
  const { user } = useSession();
  const now = useNow(15_000);
  const queue = useInfiniteQuery({
    queryKey: ["queue", user?.id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/tickets/queue", {
      params: { query: { assignee_id: user?.id ?? "", sort: "resolution_due_at", limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
    })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    // Fresh without a reload: polled every 15 s (as the SLA clocks tick), asked with the ETag
    // the browser's cache holds, so an unchanged page comes back as a bodiless 304.
    refetchInterval: 15_000,
  });
  if (queue.isPending) return <Loading />;
  if (queue.isError) return <ErrorPanel error={queue.error} retry={() => void queue.refetch()} />;
  const tickets = queue.data.pages.flatMap((page) => page.items);
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t("queue.title")}</h1>
      {tickets.length === 0 ? <p>{t("queue.none")}</p> : (
        <div className="table-wrap">
          <table className="queue">
            <thead>
              <tr>
                <th scope="col">{t("queue.number")}</th>
                <th scope="col">{t("queue.subject")}</th>
                <th scope="col" className="wide">{t("queue.priority")}</th>
                <th scope="col" className="wide">{t("queue.status")}</th>
                <th scope="col">{t("queue.due")}</th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((ticket) => (
                <tr key={ticket.id} className={`priority-${ticket.priority}`}>
                  <td>
                    <Link to={`/tickets/${ticket.id}`}>{ticket.number}</Link>
                    <span className="sr-only phone-only"> · {t(`priority.${ticket.priority}`, { defaultValue: ticket.priority })}</span>
                  </td>
                  <td>{ticket.subject}</td>
                  <td className="wide">{t(`priority.${ticket.priority}`, { defaultValue: ticket.priority })}</td>
                  <td className="wide">{t(`ticketStatus.${ticket.status}`, { defaultValue: ticket.status })}</td>
                  <td><SlaBadge ticket={ticket} now={now} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {queue.hasNextPage && (
        <button type="button" disabled={queue.isFetchingNextPage} onClick={() => void queue.fetchNextPage()}>{t("queue.more")}</button>
      )}
    </section>
  );
}
