// Signing in to the portal: the contact asks for a link by email; following the link
// (/portal/sign-in?token=...) opens the session once and lands on their requests.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap } from "../../api/client";
import { afterSignIn, linkProblem } from "../../lib/portal";
import { LanguageSwitch } from "../../Layout";
import { useSubmission } from "../../useSubmission";
import { Field, invalidProps, Loading } from "../../ui";

const WHY = new Set(["staff", "ended"]);

export default function PortalSignIn() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [params] = useSearchParams();
  const token = params.get("token");
  const next = afterSignIn(params.get("next"));
  const why = params.get("why");
  const [opening, setOpening] = useState(Boolean(token));
  const [problem, setProblem] = useState<string | null>(WHY.has(why ?? "") ? t(`portal.signIn.${why}`) : null);
  const [email, setEmail] = useState("");
  const [sentTo, setSentTo] = useState<string | null>(null);
  // Asking for a link: whatever the API refuses is said beside the email.
  const { busy, problem: refused, run } = useSubmission();
  const errors = refused ? refused.fieldErrors.email ?? [refused.message] : undefined;
  // A link is good once: the request must not go twice (React runs effects twice in development).
  const claimed = useRef<string | null>(null);

  useEffect(() => {
    if (!token || claimed.current === token) return;
    claimed.current = token;
    void (async () => {
      try {
        await unwrap(api.POST("/api/v1/portal/session", { body: { token } }));
        queries.removeQueries({ predicate: (query) => query.queryKey[0] === "portal" });
        navigate(next, { replace: true });
      } catch (error) {
        setProblem(t(`portal.signIn.${error instanceof ApiError ? linkProblem(error.status) : "invalid"}`));
        setOpening(false);
      }
    })();
  }, [token, next, navigate, queries, t]);

  async function ask(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      await unwrap(api.POST("/api/v1/portal/sign-in", { body: { email: email.trim() } }));
      setSentTo(email.trim());
      setProblem(null);
    });
  }

  return (
    <main className="sign-in portal-sign-in">
      <form onSubmit={ask} noValidate aria-labelledby="portal-sign-in-title">
        <h1 id="portal-sign-in-title">{t("portal.signIn.title")}</h1>
        {opening ? <p role="status">{t("portal.signIn.opening")}</p> : (
          <>
            {problem && <p className="form-error" role="alert">{problem}</p>}
            {sentTo ? <p className="notice" role="status">{t("portal.signIn.sent", { email: sentTo })}</p>
              : <p className="muted">{t("portal.signIn.intro")}</p>}
            <Field id="portal-email" label={t("portal.signIn.email")} errors={errors}>
              <input id="portal-email" type="email" autoComplete="email" value={email}
                onChange={(event) => setEmail(event.target.value)} {...invalidProps("portal-email", errors)} />
            </Field>
            <button type="submit" className="primary" disabled={busy}>{t("portal.signIn.send")}</button>
          </>
        )}
        {opening && <Loading />}
        <LanguageSwitch />
      </form>
    </main>
  );
}
