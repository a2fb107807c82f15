// The import wizard: a CSV (or vCard) file, its columns mapped with a preview of the first
// rows, what to do with a row that matches a contact, then the job followed to its end.
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap, type Schemas } from "../api/client";
import { doubleMapped, errorReport, finished, guessMapping, IMPORT_FIELDS, mappingOf, parseCsv, rowMessages,
  type ImportJob } from "../lib/importCsv";
import { formatNumber } from "../lib/format";
import { useLocale } from "../locale";
import { ErrorPanel } from "../ui";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

const PREVIEW_BYTES = 64 * 1024;
const PREVIEW_ROWS = 5;
const POLL_MS = 500;
const DEDUP = ["skip", "update", "create"] as const;
type Dedup = (typeof DEDUP)[number];
type Step = "file" | "columns" | "options" | "progress";
type Preview = { headers: string[]; rows: string[][] };

const isVcard = (file: File) => /\.(vcf|vcard)$/i.test(file.name);

export default function ContactImport() {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>("file");
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [fields, setFields] = useState<string[]>([]);
  const [dedup, setDedup] = useState<Dedup>("skip");
  const [jobId, setJobId] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ step: Step; message: string; errors: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  // Each step starts with its heading focused, so a screen reader hears where it is.
  useEffect(() => { heading.current?.focus(); }, [step]);

  async function choose(chosen: File | null) {
    setProblem(null);
    setFile(chosen);
    setPreview(null);
    if (!chosen) return;
    if (isVcard(chosen)) return;
    const parsed = parseCsv(await chosen.slice(0, PREVIEW_BYTES).text(), PREVIEW_ROWS);
    if (!parsed.headers.length || parsed.headers.every((header) => !header)) {
      setProblem({ step: "file", message: t("importer.noHeader"), errors: [] });
      return;
    }
    setPreview(parsed);
    setFields(guessMapping(parsed.headers));
  }

  async function start(dryRun: boolean) {
    if (!file) return;
    setBusy(true);
    setProblem(null);
    const form = new FormData();
    form.append("file", file);
    form.append("dedup", dedup);
    form.append("dry_run", String(dryRun));
    if (preview) form.append("mapping", JSON.stringify(mappingOf(preview.headers, fields)));
    try {
      const job = (await unwrap(api.POST("/api/v1/contacts/import", {
        body: form as unknown as Schemas["ImportForm"],
      }))) as unknown as { id: string };
      setJobId(job.id);
      setStep("progress");
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // A mapping the service refuses goes back to the columns; a bad file, to the file.
      const mapping = error.fieldErrors.mapping ?? [];
      const back: Step = mapping.length && preview ? "columns" : error.fieldErrors.file ? "file" : "options";
      setProblem({ step: back, message: error.message, errors: [...mapping, ...(error.fieldErrors.file ?? [])] });
      setStep(back);
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    setStep("file"); setFile(null); setPreview(null); setJobId(null); setProblem(null);
  }

  const steps: Step[] = file && isVcard(file) ? ["file", "options", "progress"] : ["file", "columns", "options", "progress"];
  const shown = problem?.step === step ? problem : null;
  return (
    <section aria-labelledby="import-step" className="importer">
      <div className="page-head">
        <h1>{t("importer.title")}</h1>
        <Link className="button" to="/contacts">{t("importer.back")}</Link>
      </div>
      <ol className="steps">
        {steps.map((name, index) => (
          <li key={name} aria-current={name === step ? "step" : undefined} className={name === step ? "current" : undefined}>
            {index + 1}. {t(`importer.steps.${name}`)}
          </li>
        ))}
      </ol>
      <div className="card">
        <h2 id="import-step" ref={heading} tabIndex={-1}>{t(`importer.steps.${step}`)}</h2>
        {shown && (
          <div className="form-error" role="alert">
            <p>{shown.message}</p>
            {shown.errors.length > 0 && <ul>{shown.errors.map((message) => <li key={message}>{message}</li>)}</ul>}
          </div>
        )}
        {step === "file" && (
          <FileStep file={file} choose={(chosen) => void choose(chosen)} ready={Boolean(file && (preview || isVcard(file)))}
            next={() => setStep(file && isVcard(file) ? "options" : "columns")} />
        )}
        {step === "columns" && preview && (
          <ColumnsStep preview={preview} fields={fields} setFields={setFields}
            back={() => setStep("file")} next={() => setStep("options")} />
        )}
        {step === "options" && (
          <OptionsStep dedup={dedup} setDedup={setDedup} busy={busy}
            back={() => setStep(preview ? "columns" : "file")} start={(dryRun) => void start(dryRun)} />
        )}
        {step === "progress" && jobId && (
          <ProgressStep key={jobId} jobId={jobId} again={() => void start(false)} restart={restart} busy={busy} />
        )}
      </div>
    </section>
  );
}

function FileStep({ file, choose, ready, next }: {
  file: File | null; choose: (file: File | null) => void; ready: boolean; next: () => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <form className="form" onSubmit={(event) => { event.preventDefault(); next(); }}>
      <div className="field">
        <label htmlFor="import-file">{t("importer.file")}</label>
        <input id="import-file" type="file" accept=".csv,.txt,.vcf,.vcard,text/csv,text/vcard"
          aria-describedby="import-file-help" onChange={(event) => choose(event.target.files?.[0] ?? null)} />
        <p className="muted" id="import-file-help">{t("importer.fileHelp")}</p>
      </div>
      {file && <p>{t("importer.chosen", { name: file.name, size: formatNumber(Math.ceil(file.size / 1024), locale) })}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={!ready}>{t("importer.next")}</button>
      </div>
    </form>
  );
}

function ColumnsStep({ preview, fields, setFields, back, next }: {
  preview: Preview; fields: string[]; setFields: (fields: string[]) => void; back: () => void; next: () => void;
}) {
  const { t } = useTranslation();
  const custom = useQuery({
    queryKey: ["custom-fields", "contact"],
    queryFn: () => unwrap(api.GET("/api/v1/custom-fields", { params: { query: { object: "contact" } } })),
  });
  const targets = useMemo(() => [
    ...IMPORT_FIELDS.map((field) => ({ value: field, label: t(`importer.fields.${field}`) })),
    ...(custom.data?.items ?? []).map((field) => ({ value: `custom_fields.${field.key}`, label: field.label ?? field.key ?? "" })),
  ], [custom.data, t]);
  const twice = doubleMapped(fields);
  const labelOf = (field: string) => targets.find((target) => target.value === field)?.label ?? field;
  const mapped = preview.headers.map((_, index) => index).filter((index) => fields[index]);
  return (
    <form className="form wide" onSubmit={(event: FormEvent) => { event.preventDefault(); if (!twice.length && mapped.length) next(); }} noValidate>
      <p className="muted">{t("importer.columnsHelp")}</p>
      <div className="table-wrap">
        <table className="mapping">
          <thead>
            <tr><th scope="col">{t("importer.column")}</th><th scope="col">{t("importer.field")}</th><th scope="col">{t("importer.sample")}</th></tr>
          </thead>
          <tbody>
            {preview.headers.map((header, index) => {
              const id = `map-${index}`;
              const invalid = Boolean(fields[index] && twice.includes(fields[index]!));
              return (
                <tr key={`${header}-${index}`}>
                  <th scope="row"><label htmlFor={id}>{header || t("importer.unnamed", { number: index + 1 })}</label></th>
                  <td>
                    <select id={id} value={fields[index] ?? ""} aria-invalid={invalid || undefined}
                      aria-describedby={invalid ? `${id}-error` : undefined}
                      onChange={(event) => setFields(fields.map((field, at) => at === index ? event.target.value : field))}>
                      <option value="">{t("importer.ignore")}</option>
                      {targets.map((target) => <option key={target.value} value={target.value}>{target.label}</option>)}
                    </select>
                    {invalid && <p className="field-error" id={`${id}-error`}>{t("importer.twice", { field: labelOf(fields[index]!) })}</p>}
                  </td>
                  <td className="muted">{preview.rows.map((row) => row[index] ?? "").filter(Boolean).slice(0, 3).join(" · ")}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3 id="preview-title">{t("importer.preview", { count: preview.rows.length })}</h3>
      {mapped.length === 0 ? <p className="form-error" role="alert">{t("importer.nothingMapped")}</p> : (
        <div className="table-wrap">
          <table className="preview" aria-labelledby="preview-title">
            <thead><tr>{mapped.map((index) => <th scope="col" key={index}>{labelOf(fields[index]!)}</th>)}</tr></thead>
            <tbody>
              {preview.rows.map((row, number) => (
                <tr key={number}>{mapped.map((index) => <td key={index}>{row[index] ?? ""}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="actions">
        <button type="button" onClick={back}>{t("importer.previous")}</button>
        <button type="submit" className="primary" disabled={twice.length > 0 || mapped.length === 0}>{t("importer.next")}</button>
      </div>
    </form>
  );
}

function OptionsStep({ dedup, setDedup, busy, back, start }: {
  dedup: Dedup; setDedup: (dedup: Dedup) => void; busy: boolean; back: () => void; start: (dryRun: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <form className="form" onSubmit={(event) => { event.preventDefault(); start(false); }}>
      <fieldset className="dedup">
        <legend>{t("importer.dedup")}</legend>
        {DEDUP.map((policy) => (
          <label key={policy} className="choice">
            <input type="radio" name="dedup" value={policy} checked={dedup === policy} onChange={() => setDedup(policy)}
              aria-describedby={`dedup-${policy}`} />
            <span>{t(`importer.policies.${policy}`)}</span>
            <span className="muted" id={`dedup-${policy}`}>{t(`importer.policyHelp.${policy}`)}</span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="button" onClick={back}>{t("importer.previous")}</button>
        <button type="button" onClick={() => start(true)} disabled={busy}>{t("importer.dryRun")}</button>
        <button type="submit" className="primary" disabled={busy}>{t("importer.start")}</button>
      </div>
    </form>
  );
}

function ProgressStep({ jobId, again, restart, busy }: { jobId: string; again: () => void; restart: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queries = useQueryClient();
  const job = useQuery({
    queryKey: ["import", jobId],
    queryFn: async () => (await unwrap(api.GET("/api/v1/contacts/import/{item_id}", {
      // The whole error report once the job is over; the first errors while it runs.
      params: { path: { item_id: jobId }, query: { errors_limit: 1000 } as never },
    }))) as unknown as ImportJob & { dry_run?: boolean },
    refetchInterval: (query) => finished(query.state.data) ? false : POLL_MS,
  });
  const data = job.data;
  const over = finished(data);
  useEffect(() => {
    if (over && !data?.dry_run) void queries.invalidateQueries({ queryKey: ["contacts"] });
  }, [over, data?.dry_run, queries]);
  const report = useMemo(() => data?.errors?.length
    ? URL.createObjectURL(new Blob([errorReport(data.errors)], { type: "text/csv" })) : null, [data?.errors]);
  useEffect(() => () => { if (report) URL.revokeObjectURL(report); }, [report]);

  if (job.isError && !data) return <ErrorPanel error={job.error} retry={() => void job.refetch()} />;
  const n = (value?: number) => formatNumber(value ?? 0, locale);
  const total = data?.total ?? 0, processed = data?.processed ?? 0;
  return (
    <div className="progress-step">
      <label className="progress-label" htmlFor="import-progress">
        {over ? t(`importer.status.${data?.status}`, { defaultValue: data?.status })
          : t("importer.running", { processed: n(processed), total: total ? n(total) : "…" })}
      </label>
      <progress id="import-progress" max={total || 1} value={over ? (total || 1) : processed}
        aria-valuetext={t("importer.running", { processed: n(processed), total: n(total) })} />
      <dl className="counts" aria-live="polite">
        <dt>{t("importer.counts.created")}</dt><dd>{n(data?.created)}</dd>
        <dt>{t("importer.counts.updated")}</dt><dd>{n(data?.updated)}</dd>
        <dt>{t("importer.counts.skipped")}</dt><dd>{n(data?.skipped)}</dd>
        <dt>{t("importer.counts.failed")}</dt><dd>{n(data?.failed)}</dd>
      </dl>
      {over && (
        <div role="status" className="done">
          {data?.status === "failed" && <p className="form-error">{data.error ?? t("importer.status.failed")}</p>}
          {data?.status === "done" && <p>{data.dry_run ? t("importer.dryDone") : t("importer.done")}</p>}
        </div>
      )}
      {over && (data?.errors?.length ?? 0) > 0 && (
        <>
          <h3>{t("importer.rowErrors", { count: data!.failed ?? data!.errors!.length })}</h3>
          <ul className="row-errors">
            {data!.errors!.slice(0, 10).map((row) => (
              <li key={row.line}>
                {t("importer.line", { line: row.line })}: {rowMessages(row.errors).map(({ field, message }) => `${field}: ${message}`).join("; ")}
              </li>
            ))}
          </ul>
          {report && <a className="button" href={report} download="import-errors.csv">{t("importer.report")}</a>}
        </>
      )}
      {over && (
        <div className="actions">
          {data?.dry_run && data.status === "done" && <button type="button" className="primary" onClick={again} disabled={busy}>{t("importer.forReal")}</button>}
          <Link className="button" to="/contacts">{t("importer.toContacts")}</Link>
          <button type="button" onClick={restart}>{t("importer.another")}</button>
        </div>
      )}
    </div>
  );
}
