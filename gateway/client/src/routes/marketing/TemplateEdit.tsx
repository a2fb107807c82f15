// The template editor: subject, plain-text and HTML bodies with their variables, checked by
// the API when saved (an error names its part and its line, and takes the user there), and
// a preview of the saved template as a chosen contact would get it.
import { useEffect, useRef, useState, type FormEvent, type RefObject } from "react";
import { flushSync } from "react-dom";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, etag, unwrap, type Schemas } from "../../api/client";
import { lineOf, lineRange } from "../../lib/marketing";
import { useAnnounce } from "../../announcer";
import { useSession } from "../../session";
import { useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, Loading, invalidProps } from "../../ui";
import { MarketingPage, idempotency } from "./parts";

type Template = Schemas["TemplateOut"];
type Part = "subject" | "text_body" | "html_body";
const VARIABLES = ["contact.first_name", "contact.last_name", "contact.full_name", "contact.email", "contact.title",
  "contact.city", "contact.country", "contact.custom_fields", "account.name", "account.industry", "account.tier",
  "campaign.name", "unsubscribe_url"];

/** A part's errors, each naming a line with a button that selects that line in the editor. */
function PartErrors({ id, messages, goTo }: { id: string; messages?: string[]; goTo: (line: number) => void }) {
  const { t } = useTranslation();
  if (!messages?.length) return null;
  return (
    <ul className="field-error plain" id={`${id}-error`}>
      {messages.map((message) => {
        const line = lineOf(message);
        return (
          <li key={message}>
            {message}{" "}
            {line !== null && <button type="button" className="link" onClick={() => goTo(line)}>{t("mkt.template.goToLine", { line })}</button>}
          </li>
        );
      })}
    </ul>
  );
}

function Preview({ id, version }: { id: string; version: number }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [contactId, setContactId] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  const contacts = useQuery({
    queryKey: ["preview-contacts", debounced], enabled: debounced.length > 1,
    queryFn: () => unwrap(api.GET("/api/v1/contacts", { params: { query: { q: debounced, limit: 10 } } })),
  });
  const preview = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/templates/{item_id}/preview", {
      params: { path: { item_id: id } }, body: contactId ? { contact_id: contactId } : {} })),
  });
  // A saved change makes the shown preview stale.
  const { reset } = preview;
  useEffect(() => reset(), [version, reset]);
  const options = contacts.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="preview-title">
      <h2 id="preview-title">{t("mkt.template.previewFor")}</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor="preview-search">{t("mkt.template.searchContact")}</label>
          <input id="preview-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="preview-contact">{t("mkt.template.contact")}</label>
          <select id="preview-contact" value={contactId} onChange={(event) => setContactId(event.target.value)}>
            <option value="">{t("mkt.template.sample")}</option>
            {options.map((contact) => (
              <option key={contact.id} value={contact.id}>
                {[contact.first_name, contact.last_name].filter(Boolean).join(" ")}{contact.email ? ` <${contact.email}>` : ""}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={() => preview.mutate()} disabled={preview.isPending}>{t("mkt.template.showPreview")}</button>
      </div>
      {preview.isError && <ErrorPanel error={preview.error} retry={() => preview.mutate()} />}
      {preview.data && (
        <div className="preview" aria-live="polite">
          <h3>{t("mkt.template.previewSubject")}</h3>
          <p data-testid="preview-subject">{preview.data.subject}</p>
          <h3>{t("mkt.template.previewText")}</h3>
          <pre className="preview-text" data-testid="preview-text">{preview.data.text_body}</pre>
          {preview.data.html_body && (
            <>
              <h3>{t("mkt.template.previewHtml")}</h3>
              {/* No scripts, no same origin: the mail's HTML cannot reach the CRM. */}
              <iframe className="preview-frame" title={t("mkt.template.htmlFrame")} sandbox="" srcDoc={preview.data.html_body} />
            </>
          )}
        </div>
      )}
    </section>
  );
}

function TemplateForm({ template }: { template?: Template }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const { user } = useSession();
  const readOnly = !(user?.permissions ?? []).includes("marketing:write");
  const [draft, setDraft] = useState({
    name: template?.name ?? "", subject: template?.subject ?? "",
    text_body: template?.text_body ?? "", html_body: template?.html_body ?? "",
  });
  const { busy, errors, problem, run } = useSubmission();
  const editors = { subject: useRef<HTMLInputElement>(null), text_body: useRef<HTMLTextAreaElement>(null), html_body: useRef<HTMLTextAreaElement>(null) };

  // A variable goes where the caret was in the part last edited (the plain text at first).
  const [lastPart, setLastPart] = useState<Part>("text_body");
  const insert = (variable: string) => {
    const editor = editors[lastPart].current;
    const text = `{{ ${variable} }}`;
    const value = draft[lastPart];
    const start = editor?.selectionStart ?? value.length;
    const end = editor?.selectionEnd ?? value.length;
    // The new value is rendered at once, so the caret is placed now, after the variable.
    // (Placed on the next frame instead, the focus could come back to this part after the
    // user had moved on to another, and their typing landed here.)
    flushSync(() => setDraft({ ...draft, [lastPart]: value.slice(0, start) + text + value.slice(end) }));
    editor?.focus();
    editor?.setSelectionRange(start + text.length, start + text.length);
  };

  const goTo = (part: Part, line: number) => {
    const editor = editors[part].current;
    if (!editor) return;
    const [start, end] = lineRange(editor.value, line);
    editor.focus();
    editor.setSelectionRange(start, end);
  };

  // 409 while a scheduled or sending campaign uses it: the problem says so above the form.
  async function remove() {
    if (!template?.id || !window.confirm(t("mkt.confirmDelete", { name: template.name }))) return;
    const id = template.id;
    await run(async () => {
      await unwrap(api.DELETE("/api/v1/templates/{item_id}", {
        params: { path: { item_id: id } }, headers: { "If-Match": etag(template.version ?? 0) } }));
      void queries.invalidateQueries({ queryKey: ["templates"] });
      announce(t("mkt.deleted"));
      navigate("/marketing/templates", { replace: true });
    }, { keepErrors: true });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = { ...draft, html_body: draft.html_body || null };
    await run(async () => {
      const saved = template?.id
        ? await unwrap(api.PATCH("/api/v1/templates/{item_id}", {
          params: { path: { item_id: template.id } }, headers: { "If-Match": etag(template.version ?? 0) }, body }))
        : await unwrap(api.POST("/api/v1/templates", { headers: idempotency(), body }));
      queries.setQueryData(["template", saved.id], saved);
      void queries.invalidateQueries({ queryKey: ["templates"] });
      announce(t("mkt.saved"));
      if (!template?.id) navigate(`/marketing/templates/${saved.id}`, { replace: true });
    });
  }

  const part = (name: Part, label: string, rows?: number) => (
    <Field id={`template-${name}`} label={label} errors={undefined}>
      {rows ? (
        <textarea id={`template-${name}`} className="code" rows={rows} value={draft[name]} readOnly={readOnly} spellCheck={name === "text_body"}
          ref={editors[name] as RefObject<HTMLTextAreaElement>}
          onFocus={() => setLastPart(name)}
          onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} {...invalidProps(`template-${name}`, errors[name])} />
      ) : (
        <input id={`template-${name}`} value={draft[name]} readOnly={readOnly} ref={editors[name] as RefObject<HTMLInputElement>}
          onFocus={() => setLastPart(name)}
          onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} {...invalidProps(`template-${name}`, errors[name])} />
      )}
      <PartErrors id={`template-${name}`} messages={errors[name]} goTo={(line) => goTo(name, line)} />
    </Field>
  );

  return (
    <div className="editor-layout">
      <form className="form" onSubmit={(event) => void submit(event)} noValidate>
        {problem && (
          <div className="form-error" role="alert">
            <p>{problem.status === 412 ? t("mkt.changedElsewhere") : problem.message}</p>
          </div>
        )}
        <Field id="template-name" label={t("mkt.name")} errors={errors.name}>
          <input id="template-name" value={draft.name} readOnly={readOnly} onChange={(event) => setDraft({ ...draft, name: event.target.value })} {...invalidProps("template-name", errors.name)} />
        </Field>
        {part("subject", t("mkt.template.subject"))}
        {part("text_body", t("mkt.template.text"), 10)}
        {part("html_body", t("mkt.template.html"), 8)}
        {!readOnly && (
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>{t("app.save")}</button>
            <Link className="button" to="/marketing/templates">{t("app.cancel")}</Link>
            {template?.id && (
              <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>{t("mkt.delete")}</button>
            )}
          </div>
        )}
      </form>
      <div className="form">
        <section className="card variables" aria-labelledby="variables-title">
          <h2 id="variables-title">{t("mkt.template.variables")}</h2>
          <p className="muted">{t("mkt.template.variablesHelp", { example: "{{ contact.first_name }}" })}</p>
          <ul className="plain variable-list">
            {VARIABLES.map((name) => (
              <li key={name}>
                {readOnly ? <code>{name}</code> : (
                  <button type="button" className="link" aria-label={t("mkt.template.insert", { name })}
                    onClick={() => insert(name)}><code>{name}</code></button>
                )}
              </li>
            ))}
          </ul>
        </section>
        {template?.id ? <Preview id={template.id} version={template.version ?? 0} /> : <p className="notice">{t("mkt.template.saveFirst")}</p>}
      </div>
    </div>
  );
}

export default function TemplateEdit() {
  const { t } = useTranslation();
  const { id } = useParams();
  const template = useQuery({
    queryKey: ["template", id], enabled: !!id,
    queryFn: () => unwrap(api.GET("/api/v1/templates/{item_id}", { params: { path: { item_id: id ?? "" } } })),
  });
  const title = id ? template.data?.name ?? t("mkt.template.title") : t("mkt.template.newTitle");
  return (
    <MarketingPage title={title}>
      {id && template.isPending ? <Loading /> : id && template.isError
        ? <ErrorPanel error={template.error} retry={() => void template.refetch()} />
        : <TemplateForm key={`${template.data?.id ?? "new"}-${template.data?.version ?? 0}`} template={template.data} />}
    </MarketingPage>
  );
}
