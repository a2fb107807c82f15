// What the administration screens share: their texts, stylesheet and tabs.
import type { ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { addMessages } from "../../i18n";
import { adminMessages } from "../../messages/admin";
import { useSession } from "../../session";
import "./admin.css";

addMessages(adminMessages);

const TABS = [
  { path: "/admin/users", label: "admin.users", permission: "users:manage" },
  { path: "/admin/custom-fields", label: "admin.fields", permission: "custom_fields:manage" },
  { path: "/admin/api-keys", label: "admin.keys", permission: "api_keys:manage" },
];

export function AdminPage({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const granted = user?.permissions ?? [];
  return (
    <section aria-labelledby="admin-title">
      <nav aria-label={t("admin.nav")} className="tabs">
        <ul>
          {TABS.filter((tab) => granted.includes(tab.permission)).map((tab) => (
            <li key={tab.path}><NavLink to={tab.path}>{t(tab.label)}</NavLink></li>
          ))}
        </ul>
      </nav>
      <h1 id="admin-title">{title}</h1>
      {children}
    </section>
  );
}
