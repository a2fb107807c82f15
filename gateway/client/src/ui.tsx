// Small shared pieces: loading and error states that never leave a blank page.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "./api/client";

export function Loading() {
  const { t } = useTranslation();
  return <p className="muted" role="status">{t("app.loading")}</p>;
}

export function ErrorPanel({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof ApiError
    ? (error.status === 0 ? t("app.offline") : error.message)
    : t("app.error");
  return (
    <div className="error-panel" role="alert">
      <p>{message}</p>
      {retry && <button type="button" onClick={retry}>{t("app.retry")}</button>}
    </div>
  );
}

export function Field({ id, label, errors, children }: {
  id: string; label: string; errors?: string[]; children: ReactNode;
}) {
  return (
    <div className={errors?.length ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {children}
      {errors?.length ? <p className="field-error" id={`${id}-error`}>{errors.join(" ")}</p> : null}
    </div>
  );
}

/** aria props for an input whose field may carry errors. */
export function invalidProps(id: string, errors?: string[]) {
  return errors?.length ? { "aria-invalid": true, "aria-describedby": `${id}-error` } : {};
}
