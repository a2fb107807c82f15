// The campaigns with their status and first figures; a marketer opens one or drafts one.
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { formatDateTime, formatNumber } from "../../lib/format";
import { useLocale } from "../../locale";
import { useSession } from "../../session";
import { ErrorPanel, Loading } from "../../ui";
import { MarketingPage } from "./parts";

export default function Campaigns() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const canWrite = (user?.permissions ?? []).includes("marketing:write");
  const campaigns = useQuery({ queryKey: ["campaigns"], queryFn: () => unwrap(api.GET("/api/v1/campaigns", { params: { query: { limit: 200 } } })) });
  return (
    <MarketingPage title={t("mkt.campaigns")}
      actions={canWrite && <Link className="button primary" to="/marketing/campaigns/new">{t("mkt.campaign.new")}</Link>}>
      {campaigns.isPending ? <Loading /> : campaigns.isError ? <ErrorPanel error={campaigns.error} retry={() => void campaigns.refetch()} /> : (
        (campaigns.data.items ?? []).length === 0 ? <p>{t("mkt.none")}</p> : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">{t("mkt.name")}</th><th scope="col">{t("mkt.campaign.status")}</th>
                  <th scope="col">{t("mkt.campaign.sent")}</th><th scope="col">{t("mkt.campaign.opened")}</th>
                  <th scope="col" className="wide">{t("mkt.updated")}</th></tr>
              </thead>
              <tbody>
                {(campaigns.data.items ?? []).map((campaign) => (
                  <tr key={campaign.id}>
                    <td><Link to={`/marketing/campaigns/${campaign.id}`}>{campaign.name}</Link></td>
                    <td><span className={`status ${campaign.status ?? ""}`}>{t(`mkt.campaign.statuses.${campaign.status ?? "draft"}`)}</span></td>
                    <td>{formatNumber(campaign.counts?.sent ?? 0, locale)}</td>
                    <td>{formatNumber(campaign.counts?.opened ?? 0, locale)}</td>
                    <td className="wide">{campaign.updated_at ? formatDateTime(campaign.updated_at, locale) : ""}</td>
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
