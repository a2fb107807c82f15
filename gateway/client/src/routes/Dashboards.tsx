// Role dashboards: each KPI with the previous period's value beside it and which way it
// moved, charts of the two periods (Chart.js, in a chunk of its own), a choice of period,
// and CSV downloads of the figures and of the reports.
import { lazy, Suspense, useCallback, useMemo } from "react";
import { Navigate, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../api/client";
import { addMessages } from "../i18n";
import { dashboardMessages } from "../messages/dashboards";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { ErrorPanel, Loading } from "../ui";
import {
  PERIODS, csvHref, daysOf, formatDay, formatFigure, seriesOf, trendOf, type Kpi, type Period, type Series,
} from "../lib/dashboard";
import { formatNumber } from "../lib/format";
import "./dashboards.css";

addMessages(dashboardMessages);
const KpiChart = lazy(() => import("./dashboards/KpiChart"));

type Dashboard = Schemas["DashboardOut"];

function KpiCard({ kpi, locale }: { kpi: Kpi; locale: string }) {
  const { t } = useTranslation();
  const units = { days: t("dash.units.days"), hours: t("dash.units.hours") };
  const label = t(`dash.kpis.${kpi.key}`, { defaultValue: kpi.label ?? kpi.key });
  const trend = trendOf(kpi);
  const id = `kpi-${kpi.key}`;
  let trendText = "";
  if (trend) {
    const moved = trend.direction === "flat" ? t("dash.noChange") : t(`dash.${trend.direction}`);
    const verdict = trend.good === null ? "" : ` (${t(trend.good ? "dash.better" : "dash.worse")})`;
    const percent = trend.percent === null || trend.direction === "flat" ? "" : ` · ${t("dash.change", {
      sign: trend.percent > 0 ? "+" : "", percent: formatNumber(trend.percent, locale) })}`;
    trendText = `${moved}${verdict}${percent}`;
  }
  return (
    <li className="kpi card" aria-labelledby={id}>
      <h3 id={id} className="kpi-label">{label}</h3>
      <p className="kpi-value" data-kpi={kpi.key}>{formatFigure(kpi.value, kpi.unit, locale, units)}</p>
      <p className="kpi-previous muted">{t("dash.previous", { value: formatFigure(kpi.previous, kpi.unit, locale, units) })}</p>
      {trend && (
        <p className={`kpi-trend ${trend.good === null ? "neutral" : trend.good ? "good" : "bad"}`}>
          <span aria-hidden="true">{trend.direction === "up" ? "▲ " : trend.direction === "down" ? "▼ " : "■ "}</span>
          {trendText}
        </p>
      )}
    </li>
  );
}

function Charts({ series, locale }: { series: Series[]; locale: string }) {
  const { t } = useTranslation();
  const formats = useMemo(() => Object.fromEntries(series.map((one) => {
    const [kind, currency] = one.group.split(":");
    const format = kind === "money"
      ? (value: number) => new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(value)
      : kind === "percent" ? (value: number) => formatFigure(value, "percent", locale)
        : (value: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
    return [one.group, format];
  })), [series, locale]);
  const titleOf = useCallback((group: string) => {
    const [kind, currency] = group.split(":");
    return t(`dash.groups.${kind}`, { currency });
  }, [t]);
  if (!series.length) return null;
  return (
    <section aria-labelledby="charts-title">
      <h2 id="charts-title">{t("dash.charts")}</h2>
      <Suspense fallback={<p className="muted" role="status">{t("dash.chartLoading")}</p>}>
        <div className="charts">
          {series.map((one) => (
            <KpiChart key={one.group} title={t("dash.chartTitle", { group: titleOf(one.group) })}
              labels={one.labels} current={one.current} previous={one.previous}
              currentLabel={t("dash.current")} previousLabel={t("dash.before")}
              locale={locale} format={formats[one.group] ?? String} integer={one.group === "count"} />
          ))}
        </div>
      </Suspense>
    </section>
  );
}

function Exports({ role, period, on, owner }: { role: string; period: Period; on?: string; owner?: string }) {
  const { t } = useTranslation();
  const { user } = useSession();
  const canReports = (user?.permissions ?? []).includes("reports:read");
  const reports = useQuery({
    queryKey: ["reports"], enabled: canReports, staleTime: Infinity,
    queryFn: () => unwrap(api.GET("/api/v1/reports")),
  });
  const query = { period, on, owner_id: owner };
  return (
    <section className="card exports" aria-labelledby="exports-title">
      <h2 id="exports-title">{t("dash.exports")}</h2>
      <p className="muted">{t("dash.exportsHelp")}</p>
      <ul className="plain export-links">
        <li><a href={csvHref(`/api/v1/dashboards/${role}`, query)} download>{t("dash.exportDashboard")}</a></li>
        {canReports && reports.isError && <li><ErrorPanel error={reports.error} retry={() => void reports.refetch()} /></li>}
        {(reports.data?.items ?? []).map((report) => (
          <li key={report.name}>
            <a href={csvHref(`/api/v1/reports/${report.name}`, query)} download>
              {t("dash.exportReport", { name: t(`dash.reports.${report.name}`, { defaultValue: report.name }) })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function Dashboards() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { role } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const period = (PERIODS as readonly string[]).includes(params.get("period") ?? "") ? params.get("period") as Period : "month";
  const on = /^\d{4}-\d{2}-\d{2}$/.test(params.get("on") ?? "") ? params.get("on") ?? undefined : undefined;
  const list = useQuery({ queryKey: ["dashboards"], staleTime: Infinity, queryFn: () => unwrap(api.GET("/api/v1/dashboards")) });
  const roles: string[] = (list.data?.items ?? []).map((item) => item.role ?? "").filter(Boolean);
  const current = role && roles.includes(role) ? role : undefined;
  // Who sees the team's sales figures may narrow them to one person's.
  const canPickOwner = roles.includes("sales_manager") && (current === "sales_rep" || current === "sales_manager");
  const owner = canPickOwner ? params.get("owner") ?? "" : "";
  const people = useQuery({
    queryKey: ["people", "sales"], enabled: canPickOwner, staleTime: 300_000,
    queryFn: () => unwrap(api.GET("/api/v1/people", { params: { query: { role: ["sales_rep", "sales_manager"] } } })),
  });
  const dashboard = useQuery({
    queryKey: ["dashboard", current, period, on, owner],
    enabled: !!current,
    queryFn: () => unwrap(api.GET("/api/v1/dashboards/{role}", {
      params: { path: { role: current ?? "" }, query: { period, ...(on ? { on } : {}), ...(owner ? { owner_id: owner } : {}) } },
    })) as Promise<Dashboard>,
    placeholderData: (previous) => previous,
  });
  const kpis = useMemo(() => (dashboard.data?.kpis ?? []) as Kpi[], [dashboard.data]);
  const series = useMemo(() => seriesOf(kpis, (kpi) => t(`dash.kpis.${kpi.key}`, { defaultValue: kpi.label ?? kpi.key })), [kpis, t]);

  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorPanel error={list.error} retry={() => void list.refetch()} />;
  if (!roles.length) return <section><h1>{t("dash.title")}</h1><p>{t("dash.none")}</p></section>;
  if (!current) return <Navigate to={`/dashboards/${roles[0]}?${params.toString()}`} replace />;

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value); else next.delete(name);
    setParams(next, { replace: true });
  };
  const days = daysOf(dashboard.data?.period);
  const before = daysOf(dashboard.data?.previous_period);
  return (
    <section aria-labelledby="dash-title">
      <div className="page-head">
        <h1 id="dash-title">{t("dash.heading", { name: t(`dash.names.${current}`) })}</h1>
      </div>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        {roles.length > 1 && (
          <div className="field">
            <label htmlFor="dash-choice">{t("dash.dashboard")}</label>
            <select id="dash-choice" value={current} onChange={(event) => navigate(`/dashboards/${event.target.value}?${params.toString()}`, { replace: true })}>
              {roles.map((one) => <option key={one} value={one}>{t(`dash.names.${one}`)}</option>)}
            </select>
          </div>
        )}
        {canPickOwner && (
          <div className="field">
            <label htmlFor="dash-owner">{t("dash.owner")}</label>
            <select id="dash-owner" value={owner} onChange={(event) => setParam("owner", event.target.value)}>
              <option value="">{t("dash.team")}</option>
              {(people.data?.items ?? []).map((person) => <option key={person.id} value={person.id}>{person.name}</option>)}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="dash-period">{t("dash.period")}</label>
          <select id="dash-period" value={period} onChange={(event) => setParam("period", event.target.value)}>
            {PERIODS.map((one) => <option key={one} value={one}>{t(`dash.periods.${one}`)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dash-on">{t("dash.day")}</label>
          <input id="dash-on" type="date" value={on ?? ""} onChange={(event) => setParam("on", event.target.value)} />
        </div>
      </form>
      {days && (
        <p className="period-range">
          <strong>{t("dash.range", { from: formatDay(days.first, locale), to: formatDay(days.last, locale) })}</strong>
          {before && <span className="muted"> · {t("dash.previousRange", { from: formatDay(before.first, locale), to: formatDay(before.last, locale) })}</span>}
        </p>
      )}
      {dashboard.isPending ? <Loading /> : dashboard.isError
        ? <ErrorPanel error={dashboard.error} retry={() => void dashboard.refetch()} />
        : (
          <>
            <ul className="kpis" aria-busy={dashboard.isFetching}>
              {kpis.map((kpi) => <KpiCard key={kpi.key} kpi={kpi} locale={locale} />)}
            </ul>
            <Charts series={series} locale={locale} />
          </>
        )}
      <Exports role={current} period={period} on={on} owner={owner || undefined} />
    </section>
  );
}
