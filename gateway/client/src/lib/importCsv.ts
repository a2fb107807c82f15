// The import wizard's logic: the first rows of a CSV read in the browser for the preview,
// a first guess of each column's field, the mapping sent, the job's progress and the
// downloadable report of the rows that failed.

/** The fields a column can fill; `account` takes a company's name, found or created. */
export const IMPORT_FIELDS = ["first_name", "last_name", "email", "phone", "title", "account", "lifecycle_stage",
  "source", "tags", "address_line", "city", "postal_code", "country"] as const;

const DELIMITERS = [",", ";", "\t", "|"];

/** The delimiter the service will use: the most frequent of , ; tab | in the header line
 * outside quotes (the service's own rule). */
export function sniffDelimiter(headerLine: string): string {
  const unquoted = headerLine.replace(/"[^"]*"/g, "");
  let best = ",", most = 0;
  for (const delimiter of DELIMITERS) {
    const count = unquoted.split(delimiter).length - 1;
    if (count > most) { best = delimiter; most = count; }
  }
  return best;
}

/** The header and up to `maxRows` rows of a CSV text (quotes, doubled quotes, line breaks in
 * quotes, CRLF, a byte-order mark). Read from the file's first kilobytes: the rows after
 * `maxRows` are never looked at. */
export function parseCsv(text: string, maxRows: number): { headers: string[]; rows: string[][]; delimiter: string } {
  const source = text.replace(/^\uFEFF/, "");
  const delimiter = sniffDelimiter(source.split(/\r?\n/, 1)[0] ?? "");
  const records: string[][] = [];
  let record: string[] = [], cell = "", quoted = false, index = 0;
  while (index < source.length && records.length <= maxRows) {
    const char = source[index]!;
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') { cell += '"'; index += 1; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === "") quoted = true;
    else if (char === delimiter) { record.push(cell); cell = ""; }
    else if (char === "\n" || char === "\r") {
      if (char === "\r" && source[index + 1] === "\n") index += 1;
      record.push(cell);
      if (record.some((value) => value !== "") || record.length > 1) records.push(record);
      record = []; cell = "";
    } else cell += char;
    index += 1;
  }
  if (index >= source.length && !quoted && (cell !== "" || record.length)) {
    record.push(cell);
    records.push(record);
  }
  const [headers = [], ...rows] = records;
  return { headers: headers.map((header) => header.trim()), rows: rows.slice(0, maxRows), delimiter };
}

const SPELLINGS: Record<string, string[]> = {
  first_name: ["first name", "firstname", "given name", "forename", "prénom"],
  last_name: ["last name", "lastname", "surname", "family name", "nom"],
  email: ["email", "e-mail", "email address", "mail", "courriel"],
  phone: ["phone", "phone number", "telephone", "mobile", "cell", "téléphone", "portable"],
  title: ["title", "job title", "position", "role", "fonction", "poste"],
  account: ["company", "company name", "account", "account name", "organization", "organisation", "société", "entreprise"],
  lifecycle_stage: ["lifecycle stage", "lifecycle", "stage"],
  source: ["source", "lead source", "origine"],
  tags: ["tags", "tag", "labels", "étiquettes"],
  address_line: ["address", "address line", "street", "street address", "adresse", "rue"],
  city: ["city", "town", "ville"],
  postal_code: ["postal code", "zip", "zip code", "postcode", "code postal"],
  country: ["country", "pays"],
};
const squeeze = (header: string) => header.trim().toLowerCase().replace(/[\s_-]+/g, "");
const KNOWN = new Map(Object.entries(SPELLINGS).flatMap(([field, spellings]) =>
  [field, ...spellings].map((spelling) => [squeeze(spelling), field] as const)));

/** A first guess of the field a column fills, from its header ("" = not imported). */
export function guessField(header: string): string {
  const custom = /^(?:custom_fields\.|custom\.|cf_)([a-z][a-z0-9_]{0,62})$/i.exec(header.trim());
  if (custom) return `custom_fields.${custom[1]!.toLowerCase()}`;
  return KNOWN.get(squeeze(header)) ?? "";
}

/** Each column's first guess; a field guessed twice goes to its first column only. */
export function guessMapping(headers: readonly string[]): string[] {
  const taken = new Set<string>();
  return headers.map((header) => {
    const field = guessField(header);
    if (!field || taken.has(field)) return "";
    taken.add(field);
    return field;
  });
}

/** Fields chosen for more than one column (the service refuses the mapping). */
export function doubleMapped(fields: readonly string[]): string[] {
  const seen = new Set<string>(), twice = new Set<string>();
  for (const field of fields) if (field) (seen.has(field) ? twice : seen).add(field);
  return [...twice];
}

/** The mapping sent with the file: every column, "" for those not imported, so that what
 * the preview shows is what the service does. */
export function mappingOf(headers: readonly string[], fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(headers.map((header, index) => [header, fields[index] ?? ""]));
}

export type ImportJob = { status: string; total?: number; processed?: number; created?: number; updated?: number;
  skipped?: number; failed?: number; error?: string | null; errors?: { line: number; errors: unknown }[] };

export const finished = (job: ImportJob | undefined): boolean => job?.status === "done" || job?.status === "failed";

/** A row's errors ({"email": ["not valid"]}, possibly nested) as field and message pairs. */
export function rowMessages(errors: unknown, field = ""): { field: string; message: string }[] {
  if (Array.isArray(errors)) return errors.flatMap((item) => rowMessages(item, field));
  if (errors && typeof errors === "object") {
    return Object.entries(errors).flatMap(([key, inner]) => rowMessages(inner, field ? `${field}.${key}` : key));
  }
  return errors == null ? [] : [{ field, message: String(errors) }];
}

/** Per-row errors as CSV lines: line, field, message; one line per message. */
export function errorReport(errors: NonNullable<ImportJob["errors"]>): string {
  const quote = (value: string) => /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  const lines = ["line,field,message", ...errors.flatMap((row) => rowMessages(row.errors)
    .map(({ field, message }) => [String(row.line), field, message].map(quote).join(",")))];
  return lines.join("\r\n") + "\r\n";
}
