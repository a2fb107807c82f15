// The campaigns with their status and first figures; a marketer opens one or drafts one.
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { formatDateTime, formatNumber } from "../../lib/format";
import { useLocale } from "../../locale";
import { useSession } from "../../session";
import { ErrorPanel, Loading } from "../../ui";
import { MarketingPage } from "./parts";

const STATUSES = ["draft", "scheduled", "sending", "sent", "cancelled", "automated"] as const;

export default function Campaigns() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const canWrite = (user?.permissions ?? []).includes("marketing:write");
  const [params, setParams] = useSearchParams();
  const status = STATUSES.find((one) => one === params.get("status"));
  const campaigns = useQuery({ queryKey: ["campaigns", status], queryFn: () => unwrap(api.GET("/api/v1/campaigns", {
    params: { query: { limit: 200, ...(status ? { status } : {}) } } })) });
  return (
    <MarketingPage title={t("mkt.campaigns")}
      actions={canWrite && <Link className="button primary" to="/marketing/campaigns/new">{t("mkt.campaign.new")}</Link>}>
      <div className="filters">
        <div className="field">
          <label htmlFor="campaign-status-filter">{t("mkt.campaign.status")}</label>
          <select id="campaign-status-filter" value={status ?? ""}
            onChange={(event) => setParams(event.target.value ? { status: event.target.value } : {}, { replace: true })}>
            <option value="">{t("mkt.campaign.anyStatus")}</option>
            {STATUSES.map((one) => <option key={one} value={one}>{t(`mkt.campaign.statuses.${one}`)}</option>)}
          </select>
        </div>
      </div>
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
