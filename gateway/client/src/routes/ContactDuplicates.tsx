// A contact's probable duplicates, and the merge of one into it with a field-by-field choice.
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Contact } from "../api/client";
import { useAnnounce } from "../announcer";
import { choicesFor, defaultChoices, differences, reasonOf, type FieldDifference, type Side } from "../lib/merge";
import { can } from "../lib/nav";
import { formatNumber } from "../lib/format";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { useSubmission } from "../useSubmission";
import { ErrorPanel, Loading } from "../ui";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

type Duplicate = { contact: Contact; score: number; reasons: string[] };

/** The duplicate is no more (merged elsewhere, erased): there is nothing left to merge. */
const gone = (error: ApiError) =>
  error.status === 404 || error.status === 410 || (error.status === 422 && !!error.fieldErrors.other_id);

const nameOf = (contact: Contact) =>
  [contact.first_name, contact.last_name].filter(Boolean).join(" ") || contact.email || "—";

export default function ContactDuplicates() {
  const { id = "" } = useParams();
  const { t } = useTranslation();
  const locale = useLocale();
  const { user } = useSession();
  const contact = useQuery({
    queryKey: ["contact", id],
    queryFn: () => unwrap(api.GET("/api/v1/contacts/{item_id}", { params: { path: { item_id: id } } })),
  });
  const duplicates = useQuery({
    queryKey: ["contact-duplicates", id],
    queryFn: async () => (await unwrap(api.GET("/api/v1/contacts/{item_id}/duplicates",
      { params: { path: { item_id: id } } }))) as unknown as { items: Duplicate[] },
  });
  const [chosen, setChosen] = useState<string | null>(null);
  // Said above the list once the form has closed (a duplicate gone since it was listed).
  const [notice, setNotice] = useState<string | null>(null);

  if (contact.isPending) return <Loading />;
  if (contact.isError) return <ErrorPanel error={contact.error} retry={() => void contact.refetch()} />;
  const name = nameOf(contact.data);
  const items = duplicates.data?.items ?? [];
  const other = items.find((item) => item.contact.id === chosen)?.contact;
  return (
    <section aria-labelledby="dupes-title" className="duplicates">
      <div className="page-head">
        <h1 id="dupes-title">{t("dupes.title", { name })}</h1>
        <Link className="button" to={`/contacts/${id}`}>{t("dupes.back")}</Link>
      </div>
      {other ? (
        <MergeForm survivor={contact.data} other={other} onDone={() => setChosen(null)}
          onGone={(message) => { setNotice(message); setChosen(null); }} />
      ) : (
        <section aria-labelledby="candidates" className="card">
          <h2 id="candidates">{t("dupes.candidates")}</h2>
          {notice && <p className="form-error" role="alert">{notice}</p>}
          {duplicates.isPending ? <Loading /> : duplicates.isError
            ? <ErrorPanel error={duplicates.error} retry={() => void duplicates.refetch()} />
            : items.length === 0 ? <p className="muted">{t("dupes.none")}</p> : (
              <ul className="plain candidates">
                {items.map((item) => (
                  <li key={item.contact.id} className="candidate">
                    <div>
                      <Link to={`/contacts/${item.contact.id}`}><strong>{nameOf(item.contact)}</strong></Link>
                      <span className="muted"> · {[item.contact.email, item.contact.phone, item.contact.title].filter(Boolean).join(" · ")}</span>
                    </div>
                    <div className="why">
                      <span className="score">{t("dupes.score", { score: formatNumber(item.score, locale) })}</span>
                      {item.reasons.map((reason) => {
                        const said = reasonOf(reason);
                        return <span key={reason} className="reason">{t(`dupes.reasons.${said.key}`, said.values)}</span>;
                      })}
                    </div>
                    {can.mergeContacts(user?.permissions) && (
                      <button type="button" onClick={() => { setNotice(null); setChosen(item.contact.id ?? null); }}
                        aria-label={`${t("dupes.compare")}: ${nameOf(item.contact)}`}>{t("dupes.compare")}</button>
                    )}
                  </li>
                ))}
              </ul>
            )}
        </section>
      )}
    </section>
  );
}

function MergeForm({ survivor, other, onDone, onGone }: {
  survivor: Contact; other: Contact; onDone: () => void; onGone: (message: string) => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const found = differences(survivor, other);
  const [picked, setPicked] = useState<Record<string, Side>>(() => defaultChoices(found));
  const { busy, errors, problem, run } = useSubmission();
  const name = nameOf(survivor), otherName = nameOf(other);

  async function refused(error: ApiError) {
    if (error.status === 412) {
      // Someone changed this contact: compare again with what it holds now.
      await queries.invalidateQueries({ queryKey: ["contact", survivor.id] });
    } else if (gone(error)) {
      // The duplicate was merged elsewhere or erased since the list was read: the form
      // closes on the refreshed list, which says so.
      onGone(t("dupes.gone"));
      void queries.invalidateQueries({ queryKey: ["contact-duplicates", survivor.id] });
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      await unwrap(api.POST("/api/v1/contacts/{item_id}/merge", {
        params: { path: { item_id: survivor.id! } },
        headers: { "If-Match": etag(survivor.version ?? 0) },
        body: { other_id: other.id!, choices: choicesFor(found, picked) },
      }));
      for (const key of [["contacts"], ["contact", survivor.id], ["contact360", survivor.id], ["contact-duplicates", survivor.id]]) {
        void queries.invalidateQueries({ queryKey: key });
      }
      announce(t("dupes.merged", { other: otherName, name }));
      navigate(`/contacts/${survivor.id}`);
    }, { onProblem: refused });
  }

  // A stale contact and a conflict are said in the merge's own words; a gone duplicate closes the form.
  let message: string | null = null;
  if (problem?.status === 412) message = t("dupes.stale");
  else if (problem?.status === 409) message = t("dupes.conflict", { reason: problem.detail ?? problem.title });
  else if (problem && !gone(problem)) message = problem.message;

  const label = (difference: FieldDifference) =>
    difference.custom ? difference.field.replace("custom_fields.", "") : t(`field.${difference.field}`, difference.field);
  return (
    <form className="card merge" onSubmit={submit} aria-labelledby="merge-title" noValidate>
      <h2 id="merge-title">{t("dupes.mergeTitle", { other: otherName, name })}</h2>
      <p className="muted">{t("dupes.help", { other: otherName, name })}</p>
      {message && <p className="form-error" role="alert">{message}</p>}
      {found.length === 0 ? <p>{t("dupes.same")}</p> : (
        <div className="merge-fields">
          <div className="merge-head" aria-hidden="true">
            <span />
            <span>{t("dupes.this")}</span>
            <span>{t("dupes.other")}</span>
          </div>
          {found.map((difference) => {
            const fieldErrors = errors[`choices.${difference.field}`];
            const errorId = `merge-${difference.field}-error`;
            return (
              <fieldset key={difference.field} className={fieldErrors ? "merge-field invalid" : "merge-field"}
                aria-describedby={fieldErrors ? errorId : undefined}>
                <legend>{label(difference)}</legend>
                {(["this", "other"] as const).map((side) => {
                  const value = side === "this" ? difference.mine : difference.theirs;
                  return (
                    <label key={side} className="choice">
                      <input type="radio" name={`merge-${difference.field}`} value={side}
                        checked={picked[difference.field] === side}
                        onChange={() => setPicked({ ...picked, [difference.field]: side })} />
                      <span className="sr-only">{side === "this" ? t("dupes.this") : t("dupes.other")}: </span>
                      <span className={value ? "" : "muted"}>{value || t("dupes.empty")}</span>
                    </label>
                  );
                })}
                {fieldErrors && <p className="field-error" id={errorId}>{fieldErrors.join(" ")}</p>}
              </fieldset>
            );
          })}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? t("dupes.merging") : t("dupes.merge")}</button>
        <button type="button" onClick={onDone}>{t("dupes.cancel")}</button>
      </div>
    </form>
  );
}

/** Groups of probable duplicates across every contact, the most certain first: each one
 * opens the duplicates page of its first contact to merge there. */
export function DuplicatesReport() {
  const { t } = useTranslation();
  const locale = useLocale();
  const report = useQuery({
    queryKey: ["duplicates-report"],
    queryFn: async () => (await unwrap(api.GET("/api/v1/contacts/duplicates"))) as unknown as { items: Duplicate[][] },
  });
  const groups = report.data?.items ?? [];
  return (
    <section aria-labelledby="report-title" className="duplicates">
      <div className="page-head">
        <h1 id="report-title">{t("dupes.reportTitle")}</h1>
        <Link className="button" to="/contacts">{t("importer.back")}</Link>
      </div>
      {report.isPending ? <Loading /> : report.isError ? <ErrorPanel error={report.error} retry={() => void report.refetch()} />
        : groups.length === 0 ? <p className="muted">{t("dupes.noGroup")}</p> : (
          <>
            <p className="muted">{t("dupes.groups", { count: groups.length })}</p>
            <ol className="plain groups">
              {groups.map((group) => {
                const first = group[0]!.contact;
                return (
                  <li key={first.id} className="card group">
                    <ul className="plain">
                      {group.map((item) => (
                        <li key={item.contact.id}>
                          <Link to={`/contacts/${item.contact.id}`}>{nameOf(item.contact)}</Link>
                          <span className="muted"> · {[item.contact.email, item.contact.phone].filter(Boolean).join(" · ")}</span>
                          {" "}<span className="score">{t("dupes.score", { score: formatNumber(item.score, locale) })}</span>
                          {item.reasons.map((reason) => {
                            const said = reasonOf(reason);
                            return <span key={reason} className="reason">{t(`dupes.reasons.${said.key}`, said.values)}</span>;
                          })}
                        </li>
                      ))}
                    </ul>
                    <Link className="button" to={`/contacts/${first.id}/duplicates`}
                      aria-label={`${t("dupes.review")}: ${nameOf(first)}`}>{t("dupes.review")}</Link>
                  </li>
                );
              })}
            </ol>
          </>
        )}
    </section>
  );
}
