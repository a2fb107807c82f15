// A list's query as the address bar holds it: the same parameters the API's list takes, so
// a saved view, the export link and the list all replay one query. The contacts list's and
// the accounts list's are two instances of `listQuery`.

import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../api/client";

export type ListQuery = Record<string, string>;

/** The query helpers of a list that takes `names` as parameters, sorted by one of `sorts`. */
export function listQuery(names: readonly string[], sorts: readonly string[], defaultSort: string) {
  /** The list's query from the address bar (or a saved view): known, non-blank values
   * only, the default sort left out, so that two spellings of one query compare equal. */
  function queryOf(source: URLSearchParams | Record<string, string | undefined>): ListQuery {
    const get = (name: string) => source instanceof URLSearchParams ? source.get(name) : source[name];
    const query: ListQuery = {};
    for (const name of names) {
      const value = get(name)?.trim();
      if (value && !(name === "sort" && value === defaultSort)) query[name] = value;
    }
    if (query.sort && !sorts.includes(query.sort)) delete query.sort;
    return query;
  }

  function sameQuery(a: ListQuery, b: ListQuery): boolean {
    const left = queryOf(a), right = queryOf(b);
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    return [...keys].every((key) => left[key] === right[key]);
  }

  /** The saved view the list shows now, if its query is exactly the current one. */
  function viewMatching<T extends { query: Record<string, string> }>(views: readonly T[], current: ListQuery): T | undefined {
    return views.find((view) => sameQuery(queryOf(view.query), current));
  }

  /** The query as the address bar's parameters (for applying a saved view). */
  function paramsOf(query: ListQuery): URLSearchParams {
    const params = new URLSearchParams();
    for (const name of names) if (query[name]) params.set(name, query[name]);
    return params;
  }

  return { queryOf, sameQuery, viewMatching, paramsOf, sorts, defaultSort };
}

/** What the contacts list filters on, in the API's names; `limit` and `cursor` are never kept. */
export const LIST_PARAMS = ["q", "lifecycle_stage", "city", "country", "tag", "owner_id", "account_id", "sort"] as const;
export const SORTS = ["-updated_at", "last_name", "-last_name", "-created_at"] as const;
export const contactQuery = listQuery(LIST_PARAMS, SORTS, "-updated_at");
export const { queryOf, sameQuery, viewMatching, paramsOf } = contactQuery;

type Stage = NonNullable<Schemas["ContactIn"]["lifecycle_stage"]>;
/** Contacts a page of the list holds. */
export const PAGE = 50;

/** The contacts list for `query`, a page of PAGE at a time (shared by the list and the
 * cold load's prefetch, so that both are one query). */
export function contactsList(query: ListQuery) {
  return infiniteQueryOptions({
    queryKey: ["contacts", query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/contacts", {
      params: { query: { limit: PAGE, ...query, lifecycle_stage: query.lifecycle_stage as Stage | undefined,
        sort: query.sort ?? contactQuery.defaultSort, ...(pageParam ? { cursor: pageParam } : {}) } },
    })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** The saved views of a list. */
export function savedViews(resource: "contacts" | "accounts") {
  return queryOptions({
    queryKey: ["saved-views", resource],
    queryFn: () => unwrap(api.GET("/api/v1/saved-views", { params: { query: { resource } } })),
  });
}

/** What the accounts list filters on. */
export const ACCOUNT_PARAMS = ["q", "industry", "tier", "country", "owner_id", "sort"] as const;
export const ACCOUNT_SORTS = ["name", "-name", "-updated_at", "-created_at"] as const;
export const accountQuery = listQuery(ACCOUNT_PARAMS, ACCOUNT_SORTS, "name");

/** The CSV export of what the list shows: the same filters and sort, every page. */
export function exportHref(query: ListQuery): string {
  const params = paramsOf(query).toString();
  return `/api/v1/contacts/export.csv${params ? `?${params}` : ""}`;
}

/** The row a navigation key moves to in a list of `count` loaded rows, or null when the
 * key does not move: arrows by one, Page keys by `page`, Home and End to the loaded ends
 * (the list loads its next page as the last rows come near). */
export function rowAfterKey(key: string, current: number, count: number, page: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const next = (() => {
    switch (key) {
      case "ArrowDown": return current + 1;
      case "ArrowUp": return current - 1;
      case "PageDown": return current + page;
      case "PageUp": return current - page;
      case "Home": return 0;
      case "End": return last;
      default: return null;
    }
  })();
  if (next === null) return null;
  return Math.max(0, Math.min(last, next));
}
