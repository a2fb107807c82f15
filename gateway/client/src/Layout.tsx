import type { ReactNode } from "react";
import { NavLink, useNavigate } from "react-router-dom";
import { useTranslation } from "react-i18next";
import type { User } from "./api/client";
import { navFor } from "./lib/nav";
import { useSession } from "./session";
import { LANGUAGES } from "./i18n";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span>{t("app.language")}</span>
      <select value={i18n.language} onChange={(event) => void i18n.changeLanguage(event.target.value)}>
        {LANGUAGES.map((code) => <option key={code} value={code}>{code === "fr" ? "Français" : "English"}</option>)}
      </select>
    </label>
  );
}

export function Layout({ user, children }: { user: User; children: ReactNode }) {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip" href="#content">{t("app.skip")}</a>
      <header className="top">
        <span className="brand">{t("app.name")}</span>
        <nav aria-label={t("nav.label")}>
          <ul>
            {navFor(user.permissions).map((item) => (
              <li key={item.path}><NavLink to={item.path}>{t(item.label)}</NavLink></li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span className="who">{user.name}</span>
          <LanguageSwitch />
          <button type="button" onClick={() => void signOut().then(() => navigate("/sign-in", { replace: true }))}>
            {t("app.signOut")}
          </button>
        </div>
      </header>
      <main id="content" className="page" tabIndex={-1}>{children}</main>
    </>
  );
}
