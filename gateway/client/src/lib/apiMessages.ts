// The API writes its errors in English, for every caller (integrators read them too); the
// browser client shows them in the user's language. This catalogue turns the messages the
// API sends into French: marshmallow's defaults (as marshmallow 4.4 spells them), the
// gateway's problem titles and details, and the services' validation messages. A message it
// does not know is shown as the API wrote it: better English than nothing.
import i18next from "i18next";

type Template = { pattern: RegExp; names: string[]; french: string; fixed: number };

const PLACEHOLDER = /\{(\w+)\}/g;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const kindOf = (name: string) => name.replace(/\d+$/, "");

function partPattern(name: string, french: French): string {
  const words = french.WORDS[kindOf(name)];
  if (words) return Object.keys(words).map(escape).join("|");
  return french.NUMBERS.has(name) ? french.NUMBER : ".+?";
}

type French = typeof import("./apiMessages.fr");
type Catalogue = { exact: Map<string, string>; templates: Template[]; french: French };
let catalogue: Catalogue | null = null;
let loading: Promise<void> | null = null;

/** Fetches the French catalogue when `language` is French (once); until it is in, the
 * API's messages are shown as it wrote them. */
export function loadApiMessages(language: string | undefined = i18next.language): Promise<void> {
  if (!isFrench(language)) return Promise.resolve();
  loading ??= import("./apiMessages.fr").then((french) => { catalogue = compile(french); });
  return loading;
}

// A message without placeholders is a plain lookup; the others become anchored patterns,
// the most specific first (the most fixed text), so that "Must be greater than or equal
// to {min}." is tried before "Must be greater than {min}.".
function compile(french: French): Catalogue {
  const exact = new Map<string, string>();
  const templates: Template[] = [];
  for (const [english, translated] of Object.entries(french.FRENCH)) {
    const names = [...english.matchAll(PLACEHOLDER)].map((match) => match[1] as string);
    if (!names.length) {
      exact.set(english, translated);
      continue;
    }
    const source = english.split(PLACEHOLDER)
      .map((piece, index) => (index % 2 ? `(${partPattern(piece, french)})` : escape(piece))).join("");
    templates.push({ pattern: new RegExp(`^${source}$`), names, french: translated,
      fixed: english.replace(PLACEHOLDER, "").length });
  }
  templates.sort((a, b) => b.fixed - a.fixed);
  return { exact, templates, french };
}

function toFrench(message: string): string {
  if (!catalogue) return message;
  const { exact, templates, french: words } = catalogue;
  const found = exact.get(message);
  if (found !== undefined) return found;
  for (const { pattern, names, french } of templates) {
    const match = pattern.exec(message);
    if (!match) continue;
    const values = new Map(names.map((name, index) => [name, match[index + 1] ?? ""]));
    return french.replace(PLACEHOLDER, (_, name: string) => {
      const value = values.get(name) ?? "";
      return name === words.NESTED ? toFrench(value) : words.WORDS[kindOf(name)]?.[value] ?? value;
    });
  }
  return message;
}

const isFrench = (language: string | undefined) => Boolean(language?.toLowerCase().startsWith("fr"));

/** An API message in the user's language (i18next's current one unless given); unknown
 * messages, and every message in English, come back unchanged. */
export function translateApiMessage(message: string, language: string | undefined = i18next.language): string {
  return isFrench(language) ? toFrench(message) : message;
}

/** "Title: detail" as the language writes it (French puts a space before the colon). */
export function joinTitleDetail(title: string, detail: string | undefined,
  language: string | undefined = i18next.language): string {
  if (!detail) return title;
  return isFrench(language) ? `${title} : ${detail}` : `${title}: ${detail}`;
}

/** Every field's messages translated; the field names stay the API's. */
export function translateFieldErrors(errors: Record<string, string[]>,
  language: string | undefined = i18next.language): Record<string, string[]> {
  return Object.fromEntries(Object.entries(errors)
    .map(([field, messages]) => [field, messages.map((message) => translateApiMessage(message, language))]));
}

