import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap } from "../api/client";
import { useSession } from "../session";
import { homeFor } from "../lib/nav";
import { LanguageSwitch } from "../Layout";
import { Field, invalidProps } from "../ui";

/** Only a path of this site: never an open redirect to another origin. */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : null;
}

export default function SignIn() {
  const { t } = useTranslation();
  const { user, signedIn, expired } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));

  if (user && !busy) return <Navigate to={next ?? homeFor(user.permissions)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    try {
      const me = await unwrap(api.POST("/api/v1/auth/session", { body: { email, password } }));
      signedIn(me);
      navigate(next ?? homeFor(me.permissions), { replace: true });
    } catch (error) {
      if (error instanceof ApiError) {
        setErrors(error.fieldErrors);
        setMessage(error.status === 401 ? t("signIn.failed") : error.status === 429 ? t("signIn.tooMany")
          : error.status === 0 ? t("app.offline") : Object.keys(error.fieldErrors).length ? null : error.message);
      } else {
        setMessage(t("app.error"));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="content">
      <form onSubmit={submit} noValidate aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">{t("signIn.title")}</h1>
        {expired && <p className="notice">{t("app.sessionExpired")}</p>}
        {message && <p className="form-error" role="alert">{message}</p>}
        <Field id="email" label={t("signIn.email")} errors={errors.email}>
          <input id="email" name="email" type="email" autoComplete="username" required value={email}
            onChange={(event) => setEmail(event.target.value)} {...invalidProps("email", errors.email)} />
        </Field>
        <Field id="password" label={t("signIn.password")} errors={errors.password}>
          <input id="password" name="password" type="password" autoComplete="current-password" required
            value={password} onChange={(event) => setPassword(event.target.value)}
            {...invalidProps("password", errors.password)} />
        </Field>
        <button type="submit" className="primary" disabled={busy}>{t("signIn.submit")}</button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
