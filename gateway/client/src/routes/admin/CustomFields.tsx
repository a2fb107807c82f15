// Custom fields: the extra, typed fields of contacts and accounts. An administrator adds
// one (its key made from its label, editable) or deletes one.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, unwrap, type Schemas } from "../../api/client";
import { FIELD_OBJECTS, FIELD_TYPES, keyFromLabel, optionsOf, type FieldObject, type FieldType } from "../../lib/admin";
import { useAnnounce } from "../../announcer";
import { formMessage, useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, Loading, invalidProps } from "../../ui";
import { AdminPage } from "./parts";

type CustomField = Schemas["CustomFieldOut"];
const EMPTY = { object: "contact" as FieldObject, label: "", key: "", type: "text" as FieldType, options: "", required: false };

function NewField() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [draft, setDraft] = useState(EMPTY);
  const [keyTouched, setKeyTouched] = useState(false);
  const { busy, errors, problem, run } = useSubmission();
  const message = formMessage(problem);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const created = await unwrap(api.POST("/api/v1/custom-fields", { body: {
        object: draft.object, key: draft.key, label: draft.label, type: draft.type, required: draft.required,
        ...(draft.type === "enum" ? { options: optionsOf(draft.options) } : {}),
      } }));
      void queries.invalidateQueries({ queryKey: ["custom-fields"] });
      announce(t("admin.field.created", { label: created.label }));
      setDraft({ ...EMPTY, object: draft.object });
      setKeyTouched(false);
    });
  }

  return (
    <form className="form card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-field-title">
      <h2 id="new-field-title">{t("admin.field.new")}</h2>
      {message && <p className="form-error" role="alert">{message}</p>}
      <Field id="field-object" label={t("admin.field.object")} errors={errors.object}>
        <select id="field-object" value={draft.object} onChange={(event) => setDraft({ ...draft, object: event.target.value as FieldObject })}>
          {FIELD_OBJECTS.map((object) => <option key={object} value={object}>{t(`admin.field.objects.${object}`)}</option>)}
        </select>
      </Field>
      <Field id="field-label" label={t("admin.field.label")} errors={errors.label}>
        <input id="field-label" value={draft.label} {...invalidProps("field-label", errors.label)}
          onChange={(event) => setDraft({ ...draft, label: event.target.value, key: keyTouched ? draft.key : keyFromLabel(event.target.value) })} />
      </Field>
      <Field id="field-key" label={t("admin.field.key")} errors={errors.key}>
        <input id="field-key" value={draft.key} spellCheck={false} aria-describedby={errors.key ? "field-key-error" : "field-key-hint"}
          aria-invalid={errors.key ? true : undefined}
          onChange={(event) => { setKeyTouched(true); setDraft({ ...draft, key: event.target.value }); }} />
        <span className="muted" id="field-key-hint">{t("admin.field.keyHint")}</span>
      </Field>
      <Field id="field-type" label={t("admin.field.type")} errors={errors.type}>
        <select id="field-type" value={draft.type} onChange={(event) => setDraft({ ...draft, type: event.target.value as FieldType })}>
          {FIELD_TYPES.map((type) => <option key={type} value={type}>{t(`admin.field.types.${type}`)}</option>)}
        </select>
      </Field>
      {draft.type === "enum" && (
        <Field id="field-options" label={t("admin.field.options")} errors={errors.options}>
          <input id="field-options" value={draft.options} onChange={(event) => setDraft({ ...draft, options: event.target.value })} {...invalidProps("field-options", errors.options)} />
        </Field>
      )}
      <label className="inline">
        <input type="checkbox" checked={draft.required} onChange={(event) => setDraft({ ...draft, required: event.target.checked })} />
        {t("admin.field.required")}
      </label>
      <div className="actions"><button type="submit" className="primary" disabled={busy}>{t("admin.field.create")}</button></div>
    </form>
  );
}

export default function CustomFields() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const fields = useQuery({ queryKey: ["custom-fields"], queryFn: () => unwrap(api.GET("/api/v1/custom-fields")) });
  const remove = useMutation({
    mutationFn: (field: CustomField) => unwrap(api.DELETE("/api/v1/custom-fields/{item_id}", { params: { path: { item_id: field.id ?? "" } } })),
    onSuccess: (_, field) => {
      void queries.invalidateQueries({ queryKey: ["custom-fields"] });
      announce(t("admin.field.removed", { label: field.label }));
    },
    onError: (error) => announce(error.message, "error"),
  });
  const items = fields.data?.items ?? [];
  return (
    <AdminPage title={t("admin.fields")}>
      <div className="admin-layout">
        <div>
          {fields.isPending ? <Loading /> : fields.isError ? <ErrorPanel error={fields.error} retry={() => void fields.refetch()} /> : (
            FIELD_OBJECTS.map((object) => {
              const mine = items.filter((field) => field.object === object);
              return (
                <section key={object} aria-labelledby={`fields-${object}`}>
                  <h2 id={`fields-${object}`}>{t(`admin.field.objects.${object}`)}</h2>
                  {mine.length === 0 ? <p className="muted">{t("admin.none")}</p> : (
                    <div className="table-wrap">
                      <table>
                        <thead>
                          <tr><th scope="col">{t("admin.field.label")}</th><th scope="col">{t("admin.field.key")}</th>
                            <th scope="col">{t("admin.field.type")}</th><th scope="col">{t("admin.field.required")}</th><td /></tr>
                        </thead>
                        <tbody>
                          {mine.map((field) => (
                            <tr key={field.id}>
                              <th scope="row">{field.label}</th>
                              <td><code>{field.key}</code></td>
                              <td>{t(`admin.field.types.${field.type}`, { defaultValue: field.type })}
                                {field.options?.length ? <span className="muted"> ({field.options.join(", ")})</span> : null}</td>
                              <td>{field.required ? t("admin.field.yes") : t("admin.field.no")}</td>
                              <td>
                                <button type="button" disabled={remove.isPending}
                                  onClick={() => window.confirm(t("admin.field.confirmRemove", { label: field.label })) && remove.mutate(field)}>
                                  {t("admin.field.remove", { label: field.label })}
                                </button>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </section>
              );
            })
          )}
        </div>
        <NewField />
      </div>
    </AdminPage>
  );
}
