// The segments, with their live member counts; a marketer opens one or starts a new one.
import { Link } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../../api/client";
import { formatDateTime, formatNumber } from "../../lib/format";
import { useLocale } from "../../locale";
import { useSession } from "../../session";
import { ErrorPanel, Loading } from "../../ui";
import { MarketingPage } from "./parts";

export default function Segments() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const canWrite = (user?.permissions ?? []).includes("marketing:write");
  const segments = useQuery({ queryKey: ["segments"], queryFn: () => unwrap(api.GET("/api/v1/segments", { params: { query: { limit: 200 } } })) });
  return (
    <MarketingPage title={t("mkt.segments")}
      actions={canWrite && <Link className="button primary" to="/marketing/segments/new">{t("mkt.segment.new")}</Link>}>
      {segments.isPending ? <Loading /> : segments.isError ? <ErrorPanel error={segments.error} retry={() => void segments.refetch()} /> : (
        (segments.data.items ?? []).length === 0 ? <p>{t("mkt.none")}</p> : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th scope="col">{t("mkt.name")}</th><th scope="col">{t("mkt.segment.kind")}</th>
                  <th scope="col">{t("mkt.segment.members")}</th><th scope="col" className="wide">{t("mkt.updated")}</th></tr>
              </thead>
              <tbody>
                {(segments.data.items ?? []).map((segment) => (
                  <tr key={segment.id}>
                    <td><Link to={`/marketing/segments/${segment.id}`}>{segment.name}</Link></td>
                    <td>{t(`mkt.segment.kinds.${segment.kind ?? "dynamic"}`)}</td>
                    <td>{formatNumber(segment.member_count ?? 0, locale)}</td>
                    <td className="wide">{segment.updated_at ? formatDateTime(segment.updated_at, locale) : ""}</td>
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
