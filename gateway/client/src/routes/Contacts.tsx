import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { useLocale } from "../locale";
import { formatDate } from "../lib/format";
import { ErrorPanel, Loading } from "../ui";
import { useSession } from "../session";
import { can } from "../lib/nav";

type Stage = NonNullable<Schemas["ContactIn"]["lifecycle_stage"]>;
export const STAGES: Stage[] = ["subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead",
  "opportunity", "customer", "evangelist", "other"];
const SORTS = ["-updated_at", "last_name", "-last_name", "-created_at"] as const;
const PAGE = 50;

function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

export default function Contacts() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get("q") ?? "");
  const q = useDebounced(search.trim(), 250);
  const stage = (params.get("stage") ?? "") as Stage | "";
  const sort = SORTS.find((candidate) => candidate === params.get("sort")) ?? "-updated_at";

  useEffect(() => {
    const next = new URLSearchParams(params);
    if (q) next.set("q", q); else next.delete("q");
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
  }, [q, params, setParams]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value); else next.delete(name);
    setParams(next, { replace: true });
  };

  const contacts = useInfiniteQuery({
    queryKey: ["contacts", { q, stage, sort }],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/contacts", {
      params: { query: { limit: PAGE, sort, ...(q ? { q } : {}), ...(stage ? { lifecycle_stage: stage } : {}),
        ...(pageParam ? { cursor: pageParam } : {}) } },
    })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });

  // Infinite scroll: the next page loads when the end of the list comes near the viewport.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = contacts;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    }, { rootMargin: "600px 0px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const rows = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="contacts-title">
      <div className="page-head">
        <h1 id="contacts-title">{t("contacts.title")}</h1>
        {can.editContacts(user?.permissions) && <Link className="button primary" to="/contacts/new">{t("contacts.new")}</Link>}
      </div>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t("contacts.search")}</span>
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <label>
          <span>{t("contacts.stage")}</span>
          <select value={stage} onChange={(event) => setParam("stage", event.target.value)}>
            <option value="">{t("contacts.anyStage")}</option>
            {STAGES.map((value) => <option key={value} value={value}>{t(`stage.${value}`)}</option>)}
          </select>
        </label>
        <label>
          <span>{t("contacts.sort")}</span>
          <select value={sort} onChange={(event) => setParam("sort", event.target.value)}>
            {SORTS.map((value) => <option key={value} value={value}>{t(`contacts.sortOptions.${value}`)}</option>)}
          </select>
        </label>
      </form>
      {contacts.isPending ? <Loading /> : contacts.isError && !rows.length ? (
        <ErrorPanel error={contacts.error} retry={() => void contacts.refetch()} />
      ) : (
        <>
          <p className="muted" aria-live="polite">{t("contacts.count", { count: rows.length })}</p>
          {rows.length === 0 ? <p>{t("contacts.none")}</p> : (
            <div className="table-wrap">
              <table className="contacts">
                <thead>
                  <tr>
                    <th scope="col">{t("contacts.name")}</th>
                    <th scope="col">{t("contacts.email")}</th>
                    <th scope="col" className="wide">{t("contacts.phone")}</th>
                    <th scope="col" className="wide">{t("contacts.company")}</th>
                    <th scope="col" className="wide">{t("contacts.stage")}</th>
                    <th scope="col" className="wide">{t("contacts.updated")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((contact) => (
                    <tr key={contact.id}>
                      <td><Link to={`/contacts/${contact.id}`}>{[contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.email || "—"}</Link></td>
                      <td>{contact.email ?? ""}</td>
                      <td className="wide">{contact.phone ?? ""}</td>
                      <td className="wide">{contact.title ?? ""}</td>
                      <td className="wide">{contact.lifecycle_stage ? t(`stage.${contact.lifecycle_stage}`) : ""}</td>
                      <td className="wide">{contact.updated_at ? formatDate(contact.updated_at, locale) : ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div ref={sentinel} className="sentinel">
            {contacts.isFetchNextPageError ? <ErrorPanel error={contacts.error} retry={() => void fetchNextPage()} />
              : isFetchingNextPage ? <Loading />
              : hasNextPage ? <button type="button" onClick={() => void fetchNextPage()}>{t("contacts.loadMore")}</button>
              : rows.length > 0 ? <p className="muted">{t("contacts.end")}</p> : null}
          </div>
        </>
      )}
    </section>
  );
}
