// The forecast: open pipeline and its probability-weighted part, by period, owner or
// stage, each currency apart. The filters live in the address, so a view can be shared.
import { useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap } from "../api/client";
import { addMessages } from "../i18n";
import { salesMessages } from "../messages/sales";
import { periodLabel, regroup, shareOfLargest, totalsByCurrency, type ForecastLine, type Grouping } from "../lib/forecast";
import { formatMoney, formatNumber } from "../lib/format";
import { useLocale } from "../locale";
import { usePeople } from "../usePeople";
import { ErrorPanel, Loading } from "../ui";
import "./sales-support.css";

addMessages(salesMessages);

const GROUPINGS: Grouping[] = ["period", "owner", "stage"];
const SALES_ROLES = new Set(["sales_rep", "sales_manager", "admin"]);

function Bar({ share }: { share: number }) {
  // Set through the DOM (not an inline style attribute), which the CSP allows.
  return <span className="bar" aria-hidden="true" ref={(node) => { if (node) node.style.width = `${Math.round(share * 100)}%`; }} />;
}

export default function Forecast() {
  const { t } = useTranslation();
  const locale = useLocale();
  const [params, setParams] = useSearchParams();
  const { people, nameOf } = usePeople();
  const period = params.get("period") === "quarter" ? "quarter" : "month";
  const by = (GROUPINGS as string[]).includes(params.get("by") ?? "") ? params.get("by") as Grouping : "period";
  const owner = params.get("owner") ?? "";
  const pipeline = params.get("pipeline") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value); else next.delete(name);
    setParams(next, { replace: true });
  };
  const pipelines = useQuery({ queryKey: ["pipelines"], queryFn: () => unwrap(api.GET("/api/v1/pipelines")) });
  const forecast = useQuery({
    queryKey: ["forecast", period, owner, pipeline, from, to],
    queryFn: () => unwrap(api.GET("/api/v1/forecast", {
      params: { query: {
        period, ...(owner ? { owner_id: owner } : {}), ...(pipeline ? { pipeline_id: pipeline } : {}),
        ...(from ? { close_after: from } : {}), ...(to ? { close_before: to } : {}),
      } },
    })),
    placeholderData: (previous) => previous,
  });
  const stageOrder = new Map<string, number>();
  (pipelines.data?.items ?? []).forEach((item, pipelineIndex) => (item.stages ?? [])
    .forEach((stage) => stageOrder.set(stage.id ?? "", pipelineIndex * 1000 + (stage.position ?? 0))));
  const rows = forecast.data?.rows ?? [];
  let lines = regroup(rows, by, stageOrder);
  const label = (line: ForecastLine) => {
    if (by === "period") return line.group ? periodLabel(line.group, locale, (quarter, year) => t("forecast.quarter", { quarter, year })) : t("forecast.noDate");
    if (by === "owner") return line.group ? nameOf(line.group) ?? t("forecast.unknownPerson") : t("forecast.nobody");
    return line.label ?? "";
  };
  if (by === "owner") lines = [...lines].sort((a, b) => (a.group ? 0 : 1) - (b.group ? 0 : 1) || label(a).localeCompare(label(b), locale));
  const totals = totalsByCurrency(rows);
  const money = (amount: string, currency: string) => formatMoney(amount, currency, locale);
  const owners = people.filter((person) => SALES_ROLES.has(person.role ?? ""));

  return (
    <section aria-labelledby="forecast-title" className="forecast-page">
      <h1 id="forecast-title">{t("forecast.title")}</h1>
      <form className="filters" role="search" aria-label={t("forecast.title")} onSubmit={(event) => event.preventDefault()}>
        <div className="filter">
          <label htmlFor="forecast-period">{t("forecast.period")}</label>
          <select id="forecast-period" value={period} onChange={(event) => set("period", event.target.value === "month" ? "" : event.target.value)}>
            <option value="month">{t("forecast.periods.month")}</option>
            <option value="quarter">{t("forecast.periods.quarter")}</option>
          </select>
        </div>
        <div className="filter">
          <label htmlFor="forecast-groupBy">{t("forecast.groupBy")}</label>
          <select id="forecast-groupBy" value={by} onChange={(event) => set("by", event.target.value === "period" ? "" : event.target.value)}>
            {GROUPINGS.map((value) => <option key={value} value={value}>{t(`forecast.group.${value}`)}</option>)}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="forecast-owner">{t("forecast.owner")}</label>
          <select id="forecast-owner" value={owner} onChange={(event) => set("owner", event.target.value)}>
            <option value="">{t("forecast.anyOwner")}</option>
            {owners.map((person) => <option key={person.id} value={person.id}>{person.name}</option>)}
          </select>
        </div>
        {(pipelines.data?.items ?? []).length > 1 && (
          <div className="filter">
            <label htmlFor="forecast-pipeline">{t("forecast.pipeline")}</label>
            <select id="forecast-pipeline" value={pipeline} onChange={(event) => set("pipeline", event.target.value)}>
              <option value="">{t("forecast.anyPipeline")}</option>
              {(pipelines.data?.items ?? []).map((item) => <option key={item.id} value={item.id}>{item.name}</option>)}
            </select>
          </div>
        )}
        <div className="filter">
          <label htmlFor="forecast-from">{t("forecast.from")}</label>
          <input id="forecast-from" type="date" value={from} onChange={(event) => set("from", event.target.value)} />
        </div>
        <div className="filter">
          <label htmlFor="forecast-to">{t("forecast.to")}</label>
          <input id="forecast-to" type="date" value={to} onChange={(event) => set("to", event.target.value)} />
        </div>
      </form>
      {forecast.isPending && <Loading />}
      {forecast.isError && <ErrorPanel error={forecast.error} retry={() => void forecast.refetch()} />}
      {forecast.data && (rows.length === 0 ? <p>{t("forecast.none")}</p> : (
        <>
          <ul className="plain forecast-summary" aria-live="polite" data-testid="forecast-summary">
            {totals.map((total) => (
              <li key={total.currency}>{t("forecast.summary", {
                amount: money(total.amount, total.currency), weighted: money(total.weighted, total.currency),
                count: total.count,
              })}</li>
            ))}
          </ul>
          <div className="table-wrap">
            <table className="forecast">
              <caption className="sr-only">{t("forecast.caption", { group: t(`forecast.group.${by}`).toLocaleLowerCase(locale) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`forecast.group.${by}`)}</th>
                  <th scope="col" className="number">{t("forecast.deals")}</th>
                  <th scope="col" className="number">{t("forecast.amount")}</th>
                  <th scope="col" className="number">{t("forecast.weighted")}</th>
                  <th scope="col" className="wide">{t("forecast.share")}</th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => (
                  <tr key={line.key}>
                    <th scope="row">{label(line)}</th>
                    <td className="number">{formatNumber(line.count, locale)}</td>
                    <td className="number">{money(line.amount, line.currency)}</td>
                    <td className="number">{money(line.weighted, line.currency)}</td>
                    <td className="wide"><Bar share={shareOfLargest(line, lines)} /></td>
                  </tr>
                ))}
                {totals.map((total) => (
                  <tr key={`total-${total.currency}`} className="total">
                    <th scope="row">{t("forecast.total")}{totals.length > 1 ? ` (${total.currency})` : ""}</th>
                    <td className="number">{formatNumber(total.count, locale)}</td>
                    <td className="number">{money(total.amount, total.currency)}</td>
                    <td className="number">{money(total.weighted, total.currency)}</td>
                    <td className="wide" />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ))}
    </section>
  );
}
