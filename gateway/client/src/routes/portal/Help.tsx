// The published knowledge base, searched by the contact before (or instead of) writing in.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { Loading } from "../../ui";
import { PortalError } from "./Requests";

export default function Help() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const q = params.get("q")?.trim() ?? "";
  const [typed, setTyped] = useState(q);
  const found = useQuery({
    queryKey: ["portal", "kb", q],
    enabled: q.length > 0,
    queryFn: () => unwrap(api.GET("/api/v1/portal/kb/articles", { params: { query: { q, limit: 20 } } })),
  });
  const search = (event: FormEvent) => {
    event.preventDefault();
    setParams(typed.trim() ? { q: typed.trim() } : {});
  };
  const articles = found.data?.items ?? [];
  return (
    <section aria-labelledby="help-title">
      <h1 id="help-title">{t("portal.kb.title")}</h1>
      <p className="muted">{t("portal.kb.intro")}</p>
      <form role="search" className="copy-row" onSubmit={search}>
        <label htmlFor="kb-search" className="sr-only">{t("portal.kb.search")}</label>
        <input id="kb-search" type="search" value={typed} placeholder={t("portal.kb.search")} onChange={(event) => setTyped(event.target.value)} />
        <button type="submit" className="primary">{t("portal.kb.submit")}</button>
      </form>
      {q && found.isPending && <Loading />}
      {found.isError && <PortalError error={found.error} retry={() => void found.refetch()} />}
      {found.data && (articles.length === 0 ? (
        <p>{t("portal.kb.none", { q })} <Link to="/portal/tickets/new">{t("portal.newTicket")}</Link></p>
      ) : (
        <>
          <p role="status">{t("portal.kb.results", { count: articles.length })}</p>
          <ul className="articles">
            {articles.map((article) => (
              <li key={article.id} className="card">
                <details>
                  <summary><strong>{article.title}</strong></summary>
                  <p className="article-body">{article.body}</p>
                </details>
              </li>
            ))}
          </ul>
        </>
      ))}
    </section>
  );
}
