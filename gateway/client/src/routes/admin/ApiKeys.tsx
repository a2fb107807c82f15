// API keys for integrators: created with the scopes they need, the secret shown once right
// after (the API never returns it again), listed by prefix, revoked in one click.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { SCOPES, scopeGroups, type Scope } from "../../lib/admin";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../locale";
import { useAnnounce } from "../../announcer";
import { formMessage, useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, Loading, invalidProps } from "../../ui";
import { AdminPage } from "./parts";

type ApiKey = Schemas["ApiKeyOut"];

function Secret({ created, done }: { created: ApiKey; done: () => void }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <section className="secret" role="alert" aria-labelledby="secret-title">
      <h2 id="secret-title">{t("admin.key.secretTitle", { name: created.name })}</h2>
      <p id="secret-help">{t("admin.key.secretHelp")}</p>
      <div className="copy-row">
        <input readOnly value={created.key ?? ""} aria-labelledby="secret-title" aria-describedby="secret-help" data-testid="api-key-secret"
          onFocus={(event) => event.target.select()} />
        <button type="button" onClick={() => void navigator.clipboard?.writeText(created.key ?? "").then(() => setCopied(true))}>
          {copied ? t("admin.key.copied") : t("admin.key.copy")}
        </button>
      </div>
      <div className="actions"><button type="button" className="primary" onClick={done}>{t("admin.key.done")}</button></div>
    </section>
  );
}

function NewKey({ onCreated }: { onCreated: (key: ApiKey) => void }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>([]);
  const { busy, errors, problem, run } = useSubmission();
  const message = formMessage(problem);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const created = await unwrap(api.POST("/api/v1/api-keys", { body: { name, scopes } }));
      void queries.invalidateQueries({ queryKey: ["api-keys"] });
      onCreated(created);
      setName("");
      setScopes([]);
    });
  }

  const scopeErrors = Object.entries(errors).filter(([key]) => key.startsWith("scopes")).flatMap(([, messages]) => messages);
  return (
    <form className="form card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-key-title">
      <h2 id="new-key-title">{t("admin.key.new")}</h2>
      {message && <p className="form-error" role="alert">{message}</p>}
      <Field id="key-name" label={t("admin.name")} errors={errors.name}>
        <input id="key-name" value={name} onChange={(event) => setName(event.target.value)} {...invalidProps("key-name", errors.name)} />
      </Field>
      <fieldset className={scopeErrors.length ? "field invalid" : "field"} aria-describedby={scopeErrors.length ? "key-scopes-error" : "key-scopes-help"}>
        <legend>{t("admin.key.scopes")}</legend>
        <p className="muted" id="key-scopes-help">{t("admin.key.scopesHelp")}</p>
        <div className="scope-groups">
          {scopeGroups(SCOPES).map(([area, inArea]) => (
            <fieldset key={area}>
              <legend>{t(`admin.key.areas.${area}`)}</legend>
              {inArea.map((scope) => (
                <label key={scope}>
                  <input type="checkbox" checked={scopes.includes(scope as Scope)}
                    onChange={(event) => setScopes(event.target.checked ? [...scopes, scope as Scope] : scopes.filter((item) => item !== scope))} />
                  {scope}
                </label>
              ))}
            </fieldset>
          ))}
        </div>
        {scopeErrors.length > 0 && <p className="field-error" id="key-scopes-error">{scopeErrors.join(" ")}</p>}
      </fieldset>
      <div className="actions"><button type="submit" className="primary" disabled={busy}>{t("admin.key.create")}</button></div>
    </form>
  );
}

export default function ApiKeys() {
  const { t } = useTranslation();
  const locale = useLocale();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [created, setCreated] = useState<ApiKey | null>(null);
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => unwrap(api.GET("/api/v1/api-keys")) });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => unwrap(api.DELETE("/api/v1/api-keys/{item_id}", { params: { path: { item_id: key.id ?? "" } } })),
    onSuccess: (_, key) => {
      void queries.invalidateQueries({ queryKey: ["api-keys"] });
      announce(t("admin.key.revokedDone", { name: key.name }));
    },
    onError: (error) => announce(error.message, "error"),
  });
  // Newest first: the key just made is at the top.
  const items = [...(keys.data?.items ?? [])].reverse();
  return (
    <AdminPage title={t("admin.keys")}>
      {created && <Secret created={created} done={() => setCreated(null)} />}
      <div className="admin-layout">
        <div>
          {keys.isPending ? <Loading /> : keys.isError ? <ErrorPanel error={keys.error} retry={() => void keys.refetch()} /> : (
            items.length === 0 ? <p>{t("admin.none")}</p> : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr><th scope="col">{t("admin.name")}</th><th scope="col">{t("admin.key.prefix")}</th><th scope="col">{t("admin.key.scopes")}</th>
                      <th scope="col" className="wide">{t("admin.created")}</th><th scope="col" className="wide">{t("admin.key.lastUsed")}</th>
                      <th scope="col">{t("admin.key.status")}</th></tr>
                  </thead>
                  <tbody>
                    {items.map((key) => (
                      <tr key={key.id} className={key.revoked_at ? "revoked" : undefined}>
                        <th scope="row">{key.name}</th>
                        <td><code>{key.prefix}</code></td>
                        <td className="scopes-cell">{(key.scopes ?? []).join(" ")}</td>
                        <td className="wide">{key.created_at ? formatDateTime(key.created_at, locale) : ""}</td>
                        <td className="wide">{key.last_used_at ? formatDateTime(key.last_used_at, locale) : "—"}</td>
                        <td>
                          {key.revoked_at ? `${t("admin.key.revoked")} ${formatDateTime(key.revoked_at, locale)}` : (
                            <button type="button" disabled={revoke.isPending}
                              onClick={() => window.confirm(t("admin.key.confirmRevoke", { name: key.name })) && revoke.mutate(key)}>
                              {t("admin.key.revoke", { name: key.name })}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )
          )}
        </div>
        <NewKey onCreated={setCreated} />
      </div>
    </AdminPage>
  );
}
