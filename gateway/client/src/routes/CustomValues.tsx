// The custom fields the administrators defined for contacts or accounts, and a record's
// values of them as its 360 page shows them.
import { Fragment } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { shownValue } from "../lib/customFields";
import { useLocale } from "../locale";

export function useCustomFields(object: "contact" | "account") {
  return useQuery({
    queryKey: ["custom-fields", object],
    queryFn: async () => (await unwrap(api.GET("/api/v1/custom-fields", { params: { query: { object } } }))).items ?? [],
    staleTime: 60_000,  // administrators rarely change them
  });
}

/** The record's filled custom fields as <dt>/<dd> pairs, in the fields' defined order. */
export function CustomValues({ object, values }: { object: "contact" | "account"; values?: Record<string, unknown> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const fields = useCustomFields(object).data ?? [];
  return fields.map((field) => {
    const shown = shownValue(field, values?.[field.key ?? ""], locale, [t("app.yes"), t("app.no")]);
    return shown ? <Fragment key={field.key}><dt>{field.label}</dt><dd>{shown}</dd></Fragment> : null;
  });
}
