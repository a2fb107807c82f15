import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { useLocale } from "../locale";
import { formatDate } from "../lib/format";
import { ErrorPanel, Loading } from "../ui";
import { useSession } from "../session";
import { can } from "../lib/nav";
import { contactQuery, contactsList, exportHref, PAGE, paramsOf, queryOf, rowAfterKey, SORTS, type ListQuery } from "../lib/contactList";
import { SavedViews } from "./SavedViews";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

type Stage = NonNullable<Schemas["ContactIn"]["lifecycle_stage"]>;
export const STAGES: Stage[] = ["subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead",
  "opportunity", "customer", "evangelist", "other"];
const ROW_HEIGHT = 41;
// Rows kept rendered beyond each edge of the window: about a page, so that a fast scroll or
// Page Down shows rows rather than blanks, while the page holds ~120 rows however many load.
const OVERSCAN = PAGE;
const TEXT_FILTERS = ["q", "city", "country", "tag"] as const;
type TextFilter = (typeof TEXT_FILTERS)[number];

function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

const textsOf = (query: ListQuery): Record<TextFilter, string> =>
  ({ q: query.q ?? "", city: query.city ?? "", country: query.country ?? "", tag: query.tag ?? "" });

export default function Contacts() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const query = queryOf(params);
  // What the user types goes to the address bar (and the API) once they pause.
  const [texts, setTexts] = useState(() => textsOf(query));
  const settled = useDebounced(texts, 250);

  useEffect(() => {
    const next = new URLSearchParams(params);
    for (const name of TEXT_FILTERS) {
      const value = settled[name].trim();
      if (value) next.set(name, value); else next.delete(name);
    }
    if (next.toString() !== params.toString()) setParams(next, { replace: true });
    // Only the settled typing drives this; the address bar's other changes come through
    // setParam and apply, which keep the typed texts in step themselves.
  }, [settled]);

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value); else next.delete(name);
    setParams(next, { replace: true });
  };
  const apply = useCallback((next: ListQuery) => {
    setTexts(textsOf(next));
    setParams(paramsOf(next), { replace: true });
  }, [setParams]);

  const sort = query.sort ?? "-updated_at";
  const contacts = useInfiniteQuery(contactsList(query));
  const rows = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = contacts;

  // The list scrolls with the page; only the rows near the window are in the document.
  const body = useRef<HTMLTableSectionElement>(null);
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    if (body.current) setMargin(body.current.getBoundingClientRect().top + window.scrollY);
  }, [contacts.isPending, rows.length > 0]);
  const virtualizer = useWindowVirtualizer({
    count: rows.length, estimateSize: () => ROW_HEIGHT, overscan: OVERSCAN, scrollMargin: margin,
  });
  const items = virtualizer.getVirtualItems();
  // The next page loads when the last rows come into view (the overscan does not count).
  const lastShown = virtualizer.range?.endIndex ?? -1;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastShown >= rows.length - 10) void fetchNextPage();
  }, [lastShown, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Keyboard: one row at a time is in the tab order (roving focus); arrows move it.
  const [active, setActive] = useState(0);
  const [focusWanted, setFocusWanted] = useState(false);
  useEffect(() => setActive(0), [params]);
  useEffect(() => {
    if (!focusWanted) return;
    let frames = 0;
    const tryFocus = () => {
      const link = body.current?.querySelector<HTMLAnchorElement>(`tr[data-index="${active}"] a`);
      if (link) { link.focus(); setFocusWanted(false); } else if (frames++ < 20) requestAnimationFrame(tryFocus);
    };
    requestAnimationFrame(tryFocus);
  }, [active, focusWanted]);
  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(window.innerHeight / ROW_HEIGHT) - 2);
    const next = rowAfterKey(event.key, active, rows.length, page);
    if (next === null) return;
    event.preventDefault();
    setActive(next);
    virtualizer.scrollToIndex(next, { align: "auto" });
    setFocusWanted(true);
  };

  const top = items.length ? items[0]!.start - margin : 0;
  const bottom = items.length ? virtualizer.getTotalSize() - (items.at(-1)!.end - margin) : 0;
  const filtered = Object.keys(query).some((name) => name !== "sort");
  return (
    <section aria-labelledby="contacts-title">
      <div className="page-head">
        <h1 id="contacts-title">{t("contacts.title")}</h1>
        <div className="actions">
          {can.importContacts(user?.permissions) && <Link className="button" to="/contacts/import">{t("contactList.import")}</Link>}
          {can.mergeContacts(user?.permissions) && <Link className="button" to="/contacts/duplicates">{t("contactList.duplicates")}</Link>}
          {can.exportContacts(user?.permissions) && <a className="button" href={exportHref(query)} download>{t("contactList.export")}</a>}
          {can.editContacts(user?.permissions) && <Link className="button primary" to="/contacts/new">{t("contacts.new")}</Link>}
        </div>
      </div>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>{t("contacts.search")}</span>
          <input type="search" value={texts.q} onChange={(event) => setTexts({ ...texts, q: event.target.value })} />
        </label>
        <label>
          <span>{t("contacts.stage")}</span>
          <select value={query.lifecycle_stage ?? ""} onChange={(event) => setParam("lifecycle_stage", event.target.value)}>
            <option value="">{t("contacts.anyStage")}</option>
            {STAGES.map((value) => <option key={value} value={value}>{t(`stage.${value}`)}</option>)}
          </select>
        </label>
        <label>
          <span>{t("contactList.city")}</span>
          <input value={texts.city} size={12} onChange={(event) => setTexts({ ...texts, city: event.target.value })} />
        </label>
        <label>
          <span>{t("contactList.country")}</span>
          <input value={texts.country} size={4} maxLength={2} autoCapitalize="characters"
            onChange={(event) => setTexts({ ...texts, country: event.target.value.toUpperCase() })} />
        </label>
        <label>
          <span>{t("contactList.tag")}</span>
          <input value={texts.tag} size={10} onChange={(event) => setTexts({ ...texts, tag: event.target.value })} />
        </label>
        <label>
          <span>{t("contacts.sort")}</span>
          <select value={sort} onChange={(event) => setParam("sort", event.target.value)}>
            {SORTS.map((value) => <option key={value} value={value}>{t(`contacts.sortOptions.${value}`)}</option>)}
          </select>
        </label>
        {user && (
          <label className="inline check">
            <input type="checkbox" checked={query.owner_id === user.id}
              onChange={(event) => setParam("owner_id", event.target.checked ? user.id ?? "" : "")} />
            <span>{t("contactList.mine")}</span>
          </label>
        )}
        {filtered && <button type="button" className="clear" onClick={() => apply(query.sort ? { sort: query.sort } : {})}>{t("contactList.clear")}</button>}
      </form>
      {query.account_id && <AccountFilter id={query.account_id} clear={() => setParam("account_id", "")} />}
      <SavedViews resource="contacts" current={query} apply={apply} list={contactQuery} />
      {contacts.isPending ? <Loading /> : contacts.isError && !rows.length ? (
        <ErrorPanel error={contacts.error} retry={() => void contacts.refetch()} />
      ) : (
        <>
          <p className="muted" aria-live="polite">{t("contacts.count", { count: rows.length })}</p>
          {rows.length === 0 ? <p>{t("contacts.none")}</p> : (
            <>
              <p className="sr-only" id="contacts-help">{t("contactList.help")}</p>
              <div className="table-wrap">
                <table className="contacts" aria-label={t("contactList.table")} aria-describedby="contacts-help"
                  aria-rowcount={hasNextPage ? -1 : rows.length + 1}>
                  <thead>
                    <tr aria-rowindex={1}>
                      <th scope="col">{t("contacts.name")}</th>
                      <th scope="col">{t("contacts.email")}</th>
                      <th scope="col" className="wide">{t("contacts.phone")}</th>
                      <th scope="col" className="wide">{t("contacts.company")}</th>
                      <th scope="col" className="wide">{t("contacts.stage")}</th>
                      <th scope="col" className="wide">{t("contacts.updated")}</th>
                    </tr>
                  </thead>
                  <tbody ref={body} onKeyDown={onKeyDown}>
                    {top > 0 && <tr className="spacer" aria-hidden="true"><td colSpan={6} style={{ height: top }} /></tr>}
                    {items.map((item) => {
                      const contact = rows[item.index]!;
                      return (
                        <tr key={contact.id} data-index={item.index} ref={virtualizer.measureElement}
                          aria-rowindex={item.index + 2} className={item.index === active ? "active" : undefined}>
                          <td>
                            <Link to={`/contacts/${contact.id}`} tabIndex={item.index === active ? 0 : -1}
                              onFocus={() => setActive(item.index)}>
                              {[contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.email || "—"}
                            </Link>
                          </td>
                          <td>{contact.email ?? ""}</td>
                          <td className="wide">{contact.phone ?? ""}</td>
                          <td className="wide">{contact.title ?? ""}</td>
                          <td className="wide">{contact.lifecycle_stage ? t(`stage.${contact.lifecycle_stage}`) : ""}</td>
                          <td className="wide">{contact.updated_at ? formatDate(contact.updated_at, locale) : ""}</td>
                        </tr>
                      );
                    })}
                    {bottom > 0 && <tr className="spacer" aria-hidden="true"><td colSpan={6} style={{ height: bottom }} /></tr>}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <div className="sentinel">
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

/** The list narrowed to one account's people (from the account's page): said, and undone. */
function AccountFilter({ id, clear }: { id: string; clear: () => void }) {
  const { t } = useTranslation();
  const account = useQuery({
    queryKey: ["account", id],
    queryFn: () => unwrap(api.GET("/api/v1/accounts/{item_id}", { params: { path: { item_id: id } } })),
  });
  return (
    <p className="notice account-filter">
      {t("accounts.onlyAccount", { name: account.data?.name ?? t("accounts.anAccount") })}{" "}
      <button type="button" className="link" onClick={clear}>{t("accounts.showAll")}</button>
    </p>
  );
}
