// An account's form, new or edited (RecordForm does the saving, the custom fields and the
// stale-edit choice).
import { useParams } from "react-router-dom";
import { useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, etag, unwrap, type Schemas } from "../api/client";
import type { Draft } from "../lib/customFields";
import { Field, invalidProps } from "../ui";
import { TIERS } from "./Accounts";
import { RecordForm, type FormFields } from "./RecordForm";
import { addContactMessages } from "../messages/contacts";
import "./contacts.css";

addContactMessages();

type Account = Schemas["AccountOut"];
type AccountInput = Schemas["AccountIn"];
const TEXT_FIELDS = ["name", "domain", "industry", "phone", "website", "address_line", "city", "postal_code", "country"] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const CHOICES = ["tier", "size"] as const;
const SIZES = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"] as const;
const AUTOCOMPLETE: Partial<Record<TextField, string>> = { name: "organization", phone: "tel", website: "url",
  address_line: "street-address", city: "address-level2", postal_code: "postal-code", country: "country" };
const TYPES: Partial<Record<TextField, string>> = { phone: "tel", website: "url" };

function draftOf(account: Account | null): Draft {
  const draft: Draft = {};
  for (const name of [...TEXT_FIELDS, ...CHOICES]) draft[name] = account?.[name] ?? "";
  return draft;
}

/** The body the API takes: blanks are null (a name is never blank: the API says so). */
function bodyOf(draft: Draft): AccountInput {
  const body: Record<string, unknown> = {};
  for (const name of [...TEXT_FIELDS, ...CHOICES]) body[name] = draft[name]!.trim() || null;
  body.name = draft.name!.trim();
  return body as AccountInput;
}

const read = (id: string) => unwrap(api.GET("/api/v1/accounts/{item_id}", { params: { path: { item_id: id } } }));

export default function AccountEdit() {
  const { id } = useParams();
  const { t } = useTranslation();
  const queries = useQueryClient();
  const write = (body: Record<string, unknown>, version: number | null) => unwrap(version === null
    ? api.POST("/api/v1/accounts", { body: body as AccountInput, headers: { "Idempotency-Key": crypto.randomUUID() } })
    : api.PATCH("/api/v1/accounts/{item_id}", {
      params: { path: { item_id: id! } }, headers: { "If-Match": etag(version) }, body: body as AccountInput }));
  const done = (saved: Account) => {
    queries.setQueryData(["account", saved.id], saved);
    void queries.invalidateQueries({ queryKey: ["accounts"] });
    void queries.invalidateQueries({ queryKey: ["account360", saved.id] });
    return `/accounts/${saved.id}`;
  };

  const label = (name: string) => t(`accounts.fields.${name}`);
  const fields = ({ draft, set, errors }: FormFields) => {
    const text = (name: TextField) => (
      <Field key={name} id={`account-${name}`} label={label(name)} errors={errors[name]}>
        <input id={`account-${name}`} name={name} type={TYPES[name] ?? "text"} autoComplete={AUTOCOMPLETE[name]} value={draft[name]}
          required={name === "name"} {...invalidProps(`account-${name}`, errors[name])}
          onChange={(event) => set(name, name === "country" ? event.target.value.toUpperCase() : event.target.value)} />
      </Field>
    );
    const choice = (name: (typeof CHOICES)[number], options: readonly string[], optionLabel: (value: string) => string) => (
      <Field id={`account-${name}`} label={label(name)} errors={errors[name]}>
        <select id={`account-${name}`} value={draft[name]} onChange={(event) => set(name, event.target.value)}
          {...invalidProps(`account-${name}`, errors[name])}>
          <option value="">—</option>
          {options.map((value) => <option key={value} value={value}>{optionLabel(value)}</option>)}
        </select>
      </Field>
    );
    return (
      <>
        {(["name", "domain", "industry"] as const).map(text)}
        {choice("tier", TIERS, (value) => t(`accounts.tiers.${value}`))}
        {choice("size", SIZES, (value) => t("accounts.employees", { size: value }))}
        {(["phone", "website", "address_line", "postal_code", "city", "country"] as const).map(text)}
      </>
    );
  };
  return (
    <RecordForm<Account> object="account" id={id} heading={id ? t("accounts.editTitle") : t("accounts.new")}
      conflictTitle={t("accounts.conflict")} read={read} write={write} draftOf={draftOf} bodyOf={bodyOf}
      labelOf={label} done={done}>
      {fields}
    </RecordForm>
  );
}
