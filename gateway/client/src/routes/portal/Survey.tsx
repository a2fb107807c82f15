// The satisfaction survey a customer opens from the mail sent when their request was
// solved: no sign-in, the signed token in the address is the credential; answered once.
import { useState, type FormEvent } from "react";
import { useParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap } from "../../api/client";
import { addMessages } from "../../i18n";
import { LanguageSwitch } from "../../Layout";
import { formatDate } from "../../lib/format";
import { useLocale } from "../../locale";
import { supportMessages } from "../../messages/support";
import { ErrorPanel, Field, invalidProps, Loading } from "../../ui";
import "../sales-support.css";

addMessages(supportMessages);

const RATINGS = [5, 4, 3, 2, 1] as const;

/** What a refused survey link means to the customer. */
const problemKey = (status: number) => (status === 409 ? "answered" : status === 410 ? "expired" : "invalid");

export default function Survey() {
  const { token = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [outcome, setOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const survey = useQuery({
    queryKey: ["survey", token],
    queryFn: () => unwrap(api.GET("/api/v1/surveys/{token}", { params: { path: { token } } })),
  });
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (rating === null) {
      setErrors({ rating: [t("survey.choose")] });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      await unwrap(api.POST("/api/v1/surveys/{token}", {
        params: { path: { token } }, body: { rating, comment: comment.trim() || null },
      }));
      setOutcome(t("survey.thanks"));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 422) setErrors(error.fieldErrors);
      else setOutcome(t(`survey.${problemKey(error.status)}`));
    } finally {
      setBusy(false);
    }
  }
  let content;
  if (survey.isPending) content = <Loading />;
  else if (survey.isError) {
    content = survey.error instanceof ApiError && survey.error.status < 500
      ? <p className="form-error" role="alert">{t(`survey.${problemKey(survey.error.status)}`)}</p>
      : <ErrorPanel error={survey.error} retry={() => void survey.refetch()} />;
  } else if (outcome || survey.data.submitted) {
    content = <p className="notice" role="status">{outcome ?? t("survey.answered")}</p>;
  } else {
    content = (
      <>
        <p className="muted">{t("survey.until", { date: formatDate(survey.data.expires_at ?? "", locale) })}</p>
        <fieldset className={errors.rating ? "ratings invalid" : "ratings"} aria-describedby={errors.rating ? "rating-error" : undefined}>
          <legend>{t("survey.rating")}</legend>
          {RATINGS.map((value) => (
            <label key={value} className="inline">
              <input type="radio" name="rating" value={value} checked={rating === value} onChange={() => setRating(value)} />
              <span>{t(`survey.ratings.${value}`)}</span>
            </label>
          ))}
          {errors.rating && <p className="field-error" id="rating-error">{errors.rating.join(" ")}</p>}
        </fieldset>
        <Field id="survey-comment" label={t("survey.comment")} errors={errors.comment}>
          <textarea id="survey-comment" rows={4} value={comment} onChange={(event) => setComment(event.target.value)}
            {...invalidProps("survey-comment", errors.comment)} />
        </Field>
        <button type="submit" className="primary" disabled={busy}>{t("survey.submit")}</button>
      </>
    );
  }
  return (
    <main className="sign-in survey">
      <form onSubmit={submit} noValidate aria-labelledby="survey-title">
        <h1 id="survey-title">{t("survey.title")}</h1>
        {survey.data && <p>{t("survey.about", { number: survey.data.ticket_number, subject: survey.data.subject ?? "" })}</p>}
        {content}
        <LanguageSwitch />
      </form>
    </main>
  );
}
