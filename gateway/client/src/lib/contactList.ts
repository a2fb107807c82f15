// The contacts list's query as the address bar holds it: the same parameters the API's
// list takes, so a saved view, the export link and the list all replay one query.

/** What the list filters on, in the API's names; `limit` and `cursor` are never kept. */
export const LIST_PARAMS = ["q", "lifecycle_stage", "city", "country", "tag", "owner_id", "sort"] as const;
export type ListParam = (typeof LIST_PARAMS)[number];
export type ListQuery = Partial<Record<ListParam, string>>;

export const SORTS = ["-updated_at", "last_name", "-last_name", "-created_at"] as const;
export type Sort = (typeof SORTS)[number];
export const DEFAULT_SORT: Sort = "-updated_at";

/** The list's query from the address bar (or a saved view): known, non-blank values only,
 * and the default sort left out, so that two spellings of one query compare equal. */
export function queryOf(source: URLSearchParams | Record<string, string | undefined>): ListQuery {
  const get = (name: string) => source instanceof URLSearchParams ? source.get(name) : source[name];
  const query: ListQuery = {};
  for (const name of LIST_PARAMS) {
    const value = get(name)?.trim();
    if (value && !(name === "sort" && value === DEFAULT_SORT)) query[name] = value;
  }
  if (query.sort && !SORTS.includes(query.sort as Sort)) delete query.sort;
  return query;
}

export function sameQuery(a: ListQuery, b: ListQuery): boolean {
  const left = queryOf(a), right = queryOf(b);
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]) as Set<ListParam>;
  return [...keys].every((key) => left[key] === right[key]);
}

/** The saved view the list shows now, if its query is exactly the current one. */
export function viewMatching<T extends { query: Record<string, string> }>(views: readonly T[], current: ListQuery): T | undefined {
  return views.find((view) => sameQuery(queryOf(view.query), current));
}

/** The query as the address bar's parameters (for applying a saved view). */
export function paramsOf(query: ListQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of LIST_PARAMS) if (query[name]) params.set(name, query[name]!);
  return params;
}

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
