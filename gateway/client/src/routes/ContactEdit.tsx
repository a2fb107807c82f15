// A contact's form, new or edited (RecordForm does the saving, the custom fields and the
// stale-edit choice).
import { useParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, etag, unwrap, type Contact, type ContactInput } from "../api/client";
import type { Draft } from "../lib/customFields";
import { Field, invalidProps } from "../ui";
import { STAGES } from "./Contacts";
import { RecordForm, type FormFields } from "./RecordForm";

const TEXT_FIELDS = ["first_name", "last_name", "email", "phone", "title", "city", "country"] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const AUTOCOMPLETE: Partial<Record<TextField, [string, string]>> = {
  first_name: ["text", "given-name"], last_name: ["text", "family-name"], email: ["email", "email"],
  phone: ["tel", "tel"], title: ["text", "organization-title"], city: ["text", "address-level2"], country: ["text", "country"],
};

function draftOf(contact: Contact | null): Draft {
  const draft: Draft = {};
  for (const name of TEXT_FIELDS) draft[name] = contact?.[name] ?? "";
  draft.lifecycle_stage = contact?.lifecycle_stage ?? "";
  draft.tags = (contact?.tags ?? []).join(", ");
  return draft;
}

/** The body the API takes: blanks are null, tags a list. */
function bodyOf(draft: Draft): ContactInput {
  const body: Record<string, unknown> = {};
  for (const name of TEXT_FIELDS) body[name] = draft[name]!.trim() || null;
  body.lifecycle_stage = draft.lifecycle_stage || null;
  body.tags = draft.tags!.split(",").map((tag) => tag.trim()).filter(Boolean);
  return body as ContactInput;
}

const read = (id: string) => unwrap(api.GET("/api/v1/contacts/{item_id}", { params: { path: { item_id: id } } }));

export default function ContactEdit() {
  const { id } = useParams();
  const { t } = useTranslation();
  const queries = useQueryClient();
  const write = (body: Record<string, unknown>, version: number | null) => unwrap(version === null
    ? api.POST("/api/v1/contacts", { body: body as ContactInput, headers: { "Idempotency-Key": crypto.randomUUID() } })
    : api.PATCH("/api/v1/contacts/{item_id}", {
      params: { path: { item_id: id! } }, headers: { "If-Match": etag(version) }, body: body as ContactInput }));
  const done = (saved: Contact) => {
    queries.setQueryData(["contact", saved.id], saved);
    void queries.invalidateQueries({ queryKey: ["contacts"] });
    void queries.invalidateQueries({ queryKey: ["contact360", saved.id] });
    return `/contacts/${saved.id}`;
  };

  const fields = ({ draft, set, errors }: FormFields) => {
    const text = (name: TextField) => (
      <Field key={name} id={name} label={t(`field.${name}`)} errors={errors[name]}>
        <input id={name} name={name} type={AUTOCOMPLETE[name]?.[0]} autoComplete={AUTOCOMPLETE[name]?.[1]} value={draft[name]}
          onChange={(event) => set(name, event.target.value)} {...invalidProps(name, errors[name])} />
      </Field>
    );
    return (
      <>
        {(["first_name", "last_name", "email", "phone", "title"] as const).map(text)}
        <Field id="lifecycle_stage" label={t("field.lifecycle_stage")} errors={errors.lifecycle_stage}>
          <select id="lifecycle_stage" value={draft.lifecycle_stage} onChange={(event) => set("lifecycle_stage", event.target.value)}
            {...invalidProps("lifecycle_stage", errors.lifecycle_stage)}>
            <option value="">—</option>
            {STAGES.map((value) => <option key={value} value={value}>{t(`stage.${value}`)}</option>)}
          </select>
        </Field>
        {text("city")}
        {text("country")}
        <Field id="tags" label={t("field.tags")} errors={errors.tags}>
          <input id="tags" value={draft.tags} onChange={(event) => set("tags", event.target.value)} {...invalidProps("tags", errors.tags)} />
        </Field>
      </>
    );
  };
  return (
    <RecordForm<Contact> object="contact" id={id} heading={id ? t("contacts.editTitle") : t("contacts.new")}
      conflictTitle={t("conflict.title")} read={read} write={write} draftOf={draftOf} bodyOf={bodyOf}
      labelOf={(name) => t(`field.${name}`)} done={done}>
      {fields}
    </RecordForm>
  );
}
