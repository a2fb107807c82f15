// The deal page's rules that need no screen: what may be done to a deal or a quote in its
// state, a quote form's lines as the API takes them, and numbers typed the user's way.

export type DealStatus = "open" | "won" | "lost";
export type DealAction = "edit" | "win" | "lose" | "reopen";
export type QuoteAction = "send" | "accept" | "reject";

/** What a deal in `status` offers: an open one is edited, won or lost; a closed one reopened. */
export function dealActions(status: string | undefined): DealAction[] {
  if (status === "open") return ["edit", "win", "lose"];
  if (status === "won" || status === "lost") return ["reopen"];
  return [];
}

/** A draft is sent; a sent quote is accepted (making an order) or rejected; then nothing. */
export function quoteActions(status: string | undefined): QuoteAction[] {
  if (status === "draft") return ["send"];
  if (status === "sent") return ["accept", "reject"];
  return [];
}

/** A decimal typed in either language ("1 234,50", "1,234.50", "12.5") as the API's
 * decimal string ("1234.50"); blank stays blank, and what is not a number is returned
 * trimmed for the API to refuse by field. */
export function decimalInput(typed: string): string {
  const text = typed.trim().replace(/[\s\u00a0\u202f']/g, "");
  if (!text) return "";
  const comma = text.lastIndexOf(",");
  const dot = text.lastIndexOf(".");
  let normal = text;
  if (comma >= 0 && dot >= 0) {
    // The later separator is the decimal one, the other groups thousands.
    normal = comma > dot ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
  } else if (comma >= 0) {
    normal = text.replace(",", ".");
  }
  return /^-?\d+(\.\d+)?$/.test(normal) ? normal : typed.trim();
}

export type LineDraft = {
  key: number; productId: string; description: string; quantity: string;
  unitPrice: string; discount: string; tax: string;
};

let lineKeys = 0;
export const emptyLine = (): LineDraft => ({
  key: (lineKeys += 1), productId: "", description: "", quantity: "1", unitPrice: "", discount: "", tax: "",
});

export type LineBody = {
  product_id?: string; description?: string; quantity: string;
  unit_price?: string; discount_percent?: string; tax_rate?: string;
};

/** The lines as POST /quotes takes them: blank fields are left out (a blank unit price
 * takes the price list's), numbers normalised. */
export function linesBody(lines: LineDraft[]): LineBody[] {
  return lines.map((line) => {
    const body: LineBody = { quantity: decimalInput(line.quantity) };
    if (line.productId) body.product_id = line.productId;
    if (line.description.trim()) body.description = line.description.trim();
    const price = decimalInput(line.unitPrice);
    if (price) body.unit_price = price;
    const discount = decimalInput(line.discount);
    if (discount) body.discount_percent = discount;
    const tax = decimalInput(line.tax);
    if (tax) body.tax_rate = tax;
    return body;
  });
}

/** The errors of one line of the form, from the API's flattened `lines.<n>.<field>`. */
export function lineErrors(errors: Record<string, string[]>, position: number): Record<string, string[]> {
  const prefix = `lines.${position}.`;
  const found: Record<string, string[]> = {};
  for (const [name, messages] of Object.entries(errors)) {
    if (name.startsWith(prefix)) found[name.slice(prefix.length)] = messages;
  }
  return found;
}

const DURATION_UNITS: [Intl.NumberFormatOptions["unit"], number][] = [
  ["day", 86_400], ["hour", 3_600], ["minute", 60], ["second", 1],
];

/** A time span in its largest whole unit, in the locale ("3 days", "2 heures"). */
export function formatDuration(seconds: number, locale: string): string {
  const [unit, size] = DURATION_UNITS.find(([, length]) => Math.abs(seconds) >= length) ?? ["second", 1];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" })
    .format(Math.floor(Math.abs(seconds) / size));
}

/** A <input type="datetime-local"> value (the user's own time) as an ISO time in UTC. */
export function localToIso(value: string): string | null {
  if (!value) return null;
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? null : moment.toISOString();
}
