// The accounts list: search, filters, sort and saved views, paged by cursor as it scrolls.
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { accountQuery, ACCOUNT_SORTS, type ListQuery } from "../lib/contactList";
import { formatDate } from "../lib/format";
import { useLocale } from "../locale";
import { ErrorPanel, Loading } from "../ui";
import { SavedViews } from "./SavedViews";
import { useSession } from "../session";
import { can } from "../lib/nav";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

type Tier = NonNullable<Schemas["AccountIn"]["tier"]>;
export const TIERS: Tier[] = ["standard", "gold", "vip"];
const PAGE = 50;
const TEXT_FILTERS = ["q", "industry", "country"] as const;
type TextFilter = (typeof TEXT_FILTERS)[number];

const textsOf = (query: ListQuery): Record<TextFilter, string> =>
  ({ q: query.q ?? "", industry: query.industry ?? "", country: query.country ?? "" });

export default function Accounts() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const query = accountQuery.queryOf(params);
  const [texts, setTexts] = useState(() => textsOf(query));

  // Typing reaches the address bar (and the API) once the user pauses.
  useEffect(() => {
    const timer = setTimeout(() => {
      const next = new URLSearchParams(params);
      for (const name of TEXT_FILTERS) {
        const value = texts[name].trim();
        if (value) next.set(name, value); else next.delete(name);
      }
      if (next.toString() !== params.toString()) setParams(next, { replace: true });
    }, 250);
    return () => clearTimeout(timer);
  }, [texts, params, setParams]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value); else next.delete(name);
    setParams(next, { replace: true });
  };
  const apply = useCallback((next: ListQuery) => {
    setTexts(textsOf(next));
    setParams(accountQuery.paramsOf(next), { replace: true });
  }, [setParams]);

  const sort = query.sort ?? accountQuery.defaultSort;
  const accounts = useInfiniteQuery({
    queryKey: ["accounts", query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/accounts", {
      params: { query: { limit: PAGE, ...query, tier: query.tier as Tier | undefined, sort,
        ...(pageParam ? { cursor: pageParam } : {}) } },
    })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });

  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = accounts;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
    }, { rootMargin: "600px 0px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const rows = accounts.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Object.keys(query).some((name) => name !== "sort");
  return (
    <section aria-labelledby="accounts-title">
      <div className="page-head">
        <h1 id="accounts-title">{t("accounts.title")}</h1>
        {can.editAccounts(user?.permissions) && <Link className="button primary" to="/accounts/new">{t("accounts.new")}</Link>}
      </div>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t("accounts.search")}</span>
          <input type="search" value={texts.q} onChange={(event) => setTexts({ ...texts, q: event.target.value })} />
        </label>
        <label>
          <span>{t("accounts.industry")}</span>
          <input value={texts.industry} size={12} onChange={(event) => setTexts({ ...texts, industry: event.target.value })} />
        </label>
        <label>
          <span>{t("accounts.tier")}</span>
          <select value={query.tier ?? ""} onChange={(event) => setParam("tier", event.target.value)}>
            <option value="">{t("accounts.anyTier")}</option>
            {TIERS.map((tier) => <option key={tier} value={tier}>{t(`accounts.tiers.${tier}`)}</option>)}
          </select>
        </label>
        <label>
          <span>{t("contactList.country")}</span>
          <input value={texts.country} size={4} maxLength={2}
            onChange={(event) => setTexts({ ...texts, country: event.target.value.toUpperCase() })} />
        </label>
        <label>
          <span>{t("contacts.sort")}</span>
          <select value={sort} onChange={(event) => setParam("sort", event.target.value)}>
            {ACCOUNT_SORTS.map((value) => <option key={value} value={value}>{t(`accounts.sorts.${value}`)}</option>)}
          </select>
        </label>
        {filtered && <button type="button" className="clear" onClick={() => apply(query.sort ? { sort: query.sort } : {})}>{t("contactList.clear")}</button>}
      </form>
      <SavedViews resource="accounts" current={query} apply={apply} list={accountQuery} />
      {accounts.isPending ? <Loading /> : accounts.isError && !rows.length ? (
        <ErrorPanel error={accounts.error} retry={() => void accounts.refetch()} />
      ) : (
        <>
          <p className="muted" aria-live="polite">{t("accounts.count", { count: rows.length })}</p>
          {rows.length === 0 ? <p>{t("accounts.none")}</p> : (
            <div className="table-wrap">
              <table className="accounts">
                <thead>
                  <tr>
                    <th scope="col">{t("accounts.name")}</th>
                    <th scope="col">{t("accounts.domain")}</th>
                    <th scope="col" className="wide">{t("accounts.industry")}</th>
                    <th scope="col">{t("accounts.tier")}</th>
                    <th scope="col" className="wide">{t("accounts.place")}</th>
                    <th scope="col" className="wide">{t("contacts.updated")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((account) => (
                    <tr key={account.id}>
                      <td><Link to={`/accounts/${account.id}`}>{account.name}</Link></td>
                      <td>{account.domain ?? ""}</td>
                      <td className="wide">{account.industry ?? ""}</td>
                      <td>{account.tier ? t(`accounts.tiers.${account.tier}`) : ""}</td>
                      <td className="wide">{[account.city, account.country].filter(Boolean).join(", ")}</td>
                      <td className="wide">{account.updated_at ? formatDate(account.updated_at, locale) : ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div ref={sentinel} className="sentinel">
            {accounts.isFetchNextPageError ? <ErrorPanel error={accounts.error} retry={() => void fetchNextPage()} />
              : isFetchingNextPage ? <Loading />
              : hasNextPage ? <button type="button" onClick={() => void fetchNextPage()}>{t("contacts.loadMore")}</button>
              : rows.length > 0 ? <p className="muted">{t("contacts.end")}</p> : null}
          </div>
        </>
      )}
    </section>
  );
}
