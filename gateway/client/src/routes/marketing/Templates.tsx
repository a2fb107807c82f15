// The mail templates; a marketer opens one or starts a new one.
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../locale";
import { useSession } from "../../session";
import { ErrorPanel, Loading } from "../../ui";
import { MarketingPage } from "./parts";

export default function Templates() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const canWrite = (user?.permissions ?? []).includes("marketing:write");
  const templates = useQuery({ queryKey: ["templates"], queryFn: () => unwrap(api.GET("/api/v1/templates", { params: { query: { limit: 200 } } })) });
  return (
    <MarketingPage title={t("mkt.templates")}
      actions={canWrite && <Link className="button primary" to="/marketing/templates/new">{t("mkt.template.new")}</Link>}>
      {templates.isPending ? <Loading /> : templates.isError ? <ErrorPanel error={templates.error} retry={() => void templates.refetch()} /> : (
        (templates.data.items ?? []).length === 0 ? <p>{t("mkt.none")}</p> : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">{t("mkt.name")}</th><th scope="col">{t("mkt.template.subject")}</th>
                  <th scope="col" className="wide">{t("mkt.updated")}</th></tr>
              </thead>
              <tbody>
                {(templates.data.items ?? []).map((template) => (
                  <tr key={template.id}>
                    <td><Link to={`/marketing/templates/${template.id}`}>{template.name}</Link></td>
                    <td>{template.subject}</td>
                    <td className="wide">{template.updated_at ? formatDateTime(template.updated_at, locale) : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
    </MarketingPage>
  );
}
