import { useTranslation } from "react-i18next";

/** The Intl locale: the browser's own variant when it speaks the chosen language (en-GB,
 * fr-CA), else the language itself. */
export function localeFor(language: string, browser: readonly string[]): string {
  return browser.find((tag) => tag.toLowerCase().split("-")[0] === language) ?? language;
}

export function useLocale(): string {
  const { i18n } = useTranslation();
  return localeFor(i18n.language, typeof navigator === "undefined" ? [] : navigator.languages ?? []);
}
