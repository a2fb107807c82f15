// Numbers, money and dates in the user's locale, through Intl. Money arrives as a decimal
// string: it is formatted from the string, never rounded through a float sum.

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string, make: () => T): T {
  let found = cache.get(key) as T | undefined;
  if (!found) {
    found = make();
    cache.set(key, found);
  }
  return found;
}

export function formatNumber(value: number, locale: string): string {
  return memo(`n|${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

export function formatMoney(amount: string, currency: string, locale: string): string {
  const format = memo(`m|${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: "currency", currency }));
  // Intl formats decimal strings exactly (ES2023); the cast keeps older lib typings happy.
  return format.format(amount as unknown as number);
}

export function formatDate(iso: string, locale: string): string {
  // A calendar day ("2026-11-27") is no instant: read in the browser's zone, it would show
  // as the day before west of UTC.
  const day = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  return memo(`d|${locale}|${day}`, () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", ...(day ? { timeZone: "UTC" } : {}) }))
    .format(new Date(iso));
}

export function formatDateTime(iso: string, locale: string): string {
  return memo(`dt|${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }))
    .format(new Date(iso));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000],
];

/** Time left until `dueIso` from `now` ("in 3 hours", "2 days ago"), in the locale. */
export function formatTimeLeft(dueIso: string, now: number, locale: string): string {
  const delta = new Date(dueIso).getTime() - now;
  const format = memo(`r|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: "always" }));
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size || unit === "minute") {
      return format.format(Math.trunc(delta / size), unit);
    }
  }
  return format.format(0, "minute");
}
