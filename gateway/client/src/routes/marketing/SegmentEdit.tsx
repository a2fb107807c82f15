// The segment builder: rules over a contact's fields, its account, its consent and its
// behaviour, nested in groups, with the number of contacts they match now (asked for as
// the rules change, nothing saved). The API's errors show beside the condition they name.
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Schemas } from "../../api/client";
import { formatNumber } from "../../lib/format";
import {
  CONSENT_STATUSES, MAX_DEPTH, NO_VALUE, OPERATORS, changeField, emptyGroup, errorsAt, fieldsWith, fromApi,
  isComplete, isGroup, kindOf, newCondition, toApi, updateAt, type Condition, type FieldInfo, type Group,
} from "../../lib/segmentRules";
import { useLocale } from "../../locale";
import { useAnnounce } from "../../announcer";
import { useSession } from "../../session";
import { useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, Loading, invalidProps } from "../../ui";
import { MarketingPage, idempotency } from "./parts";

type Segment = Schemas["SegmentOut"];
type Edit = (path: number[], change: (rule: Group | Condition) => Group | Condition | null) => void;
const CATEGORIES = ["contact", "account", "consent", "behaviour", "custom"] as const;
const STAGES = ["subscriber", "lead", "marketing_qualified_lead", "sales_qualified_lead", "opportunity", "customer", "evangelist", "other"];

function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

function ConditionRow({ condition, path, fields, errors, edit, readOnly, removable }: {
  condition: Condition; path: number[]; fields: FieldInfo[]; errors: Record<string, string[]>; edit: Edit; readOnly: boolean;
  removable: boolean;
}) {
  const { t } = useTranslation();
  const id = `rule-${path.join("-")}`;
  const kind = kindOf(condition.field, fields);
  const mine = errorsAt(errors, path);
  const labelOf = (field: FieldInfo) => field.category === "custom"
    ? field.name.replace(/^account\.custom\./, `${t("mkt.segment.categories.account")}: `).replace(/^custom\./, "")
    : t(`mkt.segment.fields.${field.name}`, { defaultValue: field.name });
  const set = (change: Partial<Condition>) => edit(path, (rule) => ({ ...(rule as Condition), ...change }));
  const list = condition.op === "in" || condition.op === "not_in";
  let value = null;
  if (!NO_VALUE.has(condition.op)) {
    if (kind === "flag") {
      value = (
        <select id={`${id}-value`} value={condition.value} disabled={readOnly} onChange={(event) => set({ value: event.target.value })}>
          <option value="true">{t("mkt.segment.yes")}</option>
          <option value="false">{t("mkt.segment.no")}</option>
        </select>
      );
    } else if (kind === "consent" && !list) {
      value = (
        <select id={`${id}-value`} value={condition.value} disabled={readOnly} onChange={(event) => set({ value: event.target.value })}>
          {CONSENT_STATUSES.map((status) => <option key={status} value={status}>{t(`mkt.segment.consents.${status}`)}</option>)}
        </select>
      );
    } else {
      value = (
        <input id={`${id}-value`} value={condition.value} readOnly={readOnly}
          type={kind === "number" && !list ? "number" : "text"} list={condition.field === "lifecycle_stage" ? "stages" : undefined}
          aria-describedby={list ? `${id}-hint` : undefined}
          onChange={(event) => set({ value: event.target.value })} {...invalidProps(`${id}-value`, mine)} />
      );
    }
  }
  return (
    <li className="rule" aria-label={t("mkt.segment.condition", { n: path[path.length - 1]! + 1 })}>
      <div className="field">
        <label htmlFor={`${id}-field`}>{t("mkt.segment.field")}</label>
        <select id={`${id}-field`} value={condition.field} disabled={readOnly}
          onChange={(event) => edit(path, (rule) => changeField(rule as Condition, event.target.value, fields))}>
          {CATEGORIES.map((category) => {
            const inCategory = fields.filter((field) => field.category === category);
            return inCategory.length > 0 && (
              <optgroup key={category} label={t(`mkt.segment.categories.${category}`)}>
                {inCategory.map((field) => <option key={field.name} value={field.name}>{labelOf(field)}</option>)}
              </optgroup>
            );
          })}
          {!fields.some((field) => field.name === condition.field) && <option value={condition.field}>{condition.field}</option>}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-op`}>{t("mkt.segment.op")}</label>
        <select id={`${id}-op`} value={condition.op} disabled={readOnly}
          onChange={(event) => set({ op: event.target.value, ...(NO_VALUE.has(event.target.value) ? { value: "" } : {}) })}>
          {(OPERATORS[kind].includes(condition.op) ? OPERATORS[kind] : [condition.op, ...OPERATORS[kind]]).map((op) =>
            <option key={op} value={op}>{t(`mkt.segment.ops.${op}`, { defaultValue: op })}</option>)}
        </select>
      </div>
      <div className="field">
        {value && <label htmlFor={`${id}-value`}>{t("mkt.segment.value")}</label>}
        {value}
        {value && list && <span className="muted" id={`${id}-hint`}>{t("mkt.segment.valueHint")}</span>}
      </div>
      {!readOnly && removable && (
        <button type="button" className="remove" onClick={() => edit(path, () => null)}
          aria-label={t("mkt.segment.remove")} title={t("mkt.segment.remove")}>✕</button>
      )}
      {mine.length > 0 && <p className="field-error rule-errors" id={`${id}-value-error`}>{mine.join(" ")}</p>}
    </li>
  );
}

function GroupEditor({ group, path, fields, errors, edit, readOnly }: {
  group: Group; path: number[]; fields: FieldInfo[]; errors: Record<string, string[]>; edit: Edit; readOnly: boolean;
}) {
  const { t } = useTranslation();
  const id = `group-${path.join("-") || "top"}`;
  const mine = errorsAt(errors, path).concat(path.length === 0 ? errors.rules ?? [] : []);
  return (
    <fieldset className="rule-group">
      <legend>{path.length ? t("mkt.segment.group") : t("mkt.segment.rules")}</legend>
      <div className="rule-match">
        <label htmlFor={`${id}-match`}>{t("mkt.segment.match")}</label>
        <select id={`${id}-match`} value={group.match} disabled={readOnly}
          onChange={(event) => edit(path, (rule) => ({ ...(rule as Group), match: event.target.value as Group["match"] }))}>
          <option value="all">{t("mkt.segment.matchAll")}</option>
          <option value="any">{t("mkt.segment.matchAny")}</option>
        </select>
        {path.length > 0 && !readOnly && (
          <button type="button" onClick={() => edit(path, () => null)}>{t("mkt.segment.removeGroup")}</button>
        )}
      </div>
      <ul className="rule-list">
        {group.conditions.map((rule, index) => isGroup(rule)
          ? <li key={index}><GroupEditor group={rule} path={[...path, index]} fields={fields} errors={errors} edit={edit} readOnly={readOnly} /></li>
          : <ConditionRow key={index} condition={rule} path={[...path, index]} fields={fields} errors={errors} edit={edit} readOnly={readOnly}
            removable={group.conditions.length > 1} />)}
      </ul>
      {mine.length > 0 && <p className="field-error">{mine.join(" ")}</p>}
      {!readOnly && (
        <div className="rule-actions">
          <button type="button" onClick={() => edit(path, (rule) => ({ ...(rule as Group), conditions: [...(rule as Group).conditions, newCondition("lifecycle_stage", fields)] }))}>
            {t("mkt.segment.addCondition")}
          </button>
          {path.length + 1 < MAX_DEPTH && (
            <button type="button" onClick={() => edit(path, (rule) => ({ ...(rule as Group), conditions: [...(rule as Group).conditions, { match: "any", conditions: [newCondition("lifecycle_stage", fields)] }] }))}>
              {t("mkt.segment.addGroup")}
            </button>
          )}
        </div>
      )}
    </fieldset>
  );
}

function LiveCount({ group, fields, onErrors }: { group: Group; fields: FieldInfo[]; onErrors: (errors: Record<string, string[]>) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const complete = isComplete(group, fields);
  const rules = useDebounced(complete ? JSON.stringify(toApi(group, fields)) : "", 350);
  const count = useQuery({
    queryKey: ["segment-count", rules], enabled: !!rules, retry: false, placeholderData: keepPreviousData,
    queryFn: () => unwrap(api.POST("/api/v1/segments/count", { body: { rules: JSON.parse(rules) as Record<string, unknown> } })),
  });
  const failure = count.error instanceof ApiError ? count.error : null;
  useEffect(() => onErrors(failure?.fieldErrors ?? {}), [failure, onErrors]);
  let text: string;
  if (!complete) text = t("mkt.segment.incomplete");
  else if (count.isFetching && !count.data) text = t("mkt.segment.counting");
  else if (failure && Object.keys(failure.fieldErrors).length) text = failure.title;
  else if (count.data) text = t("mkt.segment.count", { count: count.data.count ?? 0, formatted: formatNumber(count.data.count ?? 0, locale) });
  else text = t("mkt.segment.counting");
  return (
    <div className="live-count" role="status" aria-live="polite" aria-busy={count.isFetching} data-testid="live-count">
      {text}
      {count.isError && !(failure && Object.keys(failure.fieldErrors).length) && <ErrorPanel error={count.error} retry={() => void count.refetch()} />}
    </div>
  );
}

const MEMBER_PAGE = 25;

/** A contact found by name or email, for a static segment. */
function AddMember({ id }: { id: string }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [search, setSearch] = useState("");
  const [contactId, setContactId] = useState("");
  const q = useDebounced(search.trim(), 300);
  const found = useQuery({
    queryKey: ["member-search", q], enabled: q.length > 1,
    queryFn: () => unwrap(api.GET("/api/v1/contacts", { params: { query: { q, limit: 10 } } })),
  });
  const add = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/segments/{item_id}/members", {
      params: { path: { item_id: id } }, body: { contact_ids: [contactId] } })),
    onSuccess: (saved) => {
      queries.setQueryData(["segment", id], saved);
      void queries.invalidateQueries({ queryKey: ["segment-members", id] });
      announce(t("mkt.segment.added"));
      setContactId("");
    },
  });
  const options = found.data?.items ?? [];
  const errors = add.error instanceof ApiError ? Object.values(add.error.fieldErrors).flat() : [];
  return (
    <div className="form-row add-member">
      <div className="field">
        <label htmlFor="member-search">{t("mkt.segment.searchContact")}</label>
        <input id="member-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="member-contact">{t("mkt.segment.contact")}</label>
        <select id="member-contact" value={contactId} onChange={(event) => setContactId(event.target.value)}>
          <option value="">{t("mkt.campaign.choose")}</option>
          {options.map((contact) => (
            <option key={contact.id} value={contact.id}>
              {[contact.first_name, contact.last_name].filter(Boolean).join(" ")}{contact.email ? ` <${contact.email}>` : ""}
            </option>
          ))}
        </select>
      </div>
      <button type="button" disabled={!contactId || add.isPending} onClick={() => add.mutate()}>{t("mkt.segment.add")}</button>
      {add.isError && <p className="field-error" role="alert">{errors.length ? errors.join(" ") : add.error.message}</p>}
    </div>
  );
}

function Members({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const { user } = useSession();
  const id = segment.id ?? "";
  const editable = segment.kind === "static" && (user?.permissions ?? []).includes("marketing:write");
  const members = useInfiniteQuery({
    queryKey: ["segment-members", id], initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/segments/{item_id}/members", {
      params: { path: { item_id: id }, query: { limit: MEMBER_PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const remove = useMutation({
    mutationFn: (contactId: string) => unwrap(api.POST("/api/v1/segments/{item_id}/members/remove", {
      params: { path: { item_id: id } }, body: { contact_ids: [contactId] } })),
    onSuccess: (saved) => {
      queries.setQueryData(["segment", id], saved);
      void queries.invalidateQueries({ queryKey: ["segment-members", id] });
      announce(t("mkt.segment.removed"));
    },
    onError: (error) => announce(error.message, "error"),
  });
  const items = members.data?.pages.flatMap((page) => page.items ?? []) ?? [];
  return (
    <section className="card members-card" aria-labelledby="members-title">
      <h2 id="members-title">{t("mkt.segment.members")}</h2>
      {editable && <AddMember id={id} />}
      {members.isPending ? <Loading /> : members.isError ? <ErrorPanel error={members.error} retry={() => void members.refetch()} /> : (
        items.length === 0 ? <p>{t("mkt.segment.noMembers")}</p> : (
          <ul className="plain members">
            {items.map((member) => {
              const name = [member.first_name, member.last_name].filter(Boolean).join(" ") || member.email || member.contact_id;
              return (
                <li key={member.contact_id}>
                  <Link to={`/contacts/${member.contact_id}`}>{name}</Link>
                  <span className="muted"> · {member.email} · {t("mkt.segment.consent")}: {t(`mkt.segment.consents.${member.email_consent ?? "unknown"}`, { defaultValue: member.email_consent })}</span>
                  {editable && (
                    <button type="button" className="link remove-member" disabled={remove.isPending} onClick={() => remove.mutate(member.contact_id ?? "")}>
                      {t("mkt.segment.removeMember", { name })}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )
      )}
      {members.hasNextPage && (
        <button type="button" disabled={members.isFetchingNextPage} onClick={() => void members.fetchNextPage()}>{t("mkt.segment.moreMembers")}</button>
      )}
    </section>
  );
}

function SegmentForm({ segment, fields }: { segment?: Segment; fields: FieldInfo[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const { user } = useSession();
  const readOnly = !(user?.permissions ?? []).includes("marketing:write");
  const [name, setName] = useState(segment?.name ?? "");
  const [description, setDescription] = useState(segment?.description ?? "");
  const [kind, setKind] = useState<"dynamic" | "static">(segment?.kind === "static" ? "static" : "dynamic");
  const [group, setGroup] = useState<Group>(() => segment?.rules ? fromApi(segment.rules) : emptyGroup());
  const [countErrors, setCountErrors] = useState<Record<string, string[]>>({});
  const { busy, errors, problem, run } = useSubmission();
  const edit: Edit = (path, change) => setGroup((current) => {
    const next = updateAt(current, path, change as never);
    return next.conditions.length || path.length ? next : current;
  });
  const shown = useMemo(() => ({ ...countErrors, ...errors }), [countErrors, errors]);

  // 409 while a scheduled or sending campaign uses it: the problem says so above the form.
  async function remove() {
    if (!segment?.id || !window.confirm(t("mkt.confirmDelete", { name: segment.name }))) return;
    const id = segment.id;
    await run(async () => {
      await unwrap(api.DELETE("/api/v1/segments/{item_id}", {
        params: { path: { item_id: id } }, headers: { "If-Match": etag(segment.version ?? 0) } }));
      void queries.invalidateQueries({ queryKey: ["segments"] });
      announce(t("mkt.deleted"));
      navigate("/marketing/segments", { replace: true });
    }, { keepErrors: true });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const rules = kind === "dynamic" ? toApi(group, fields) : null;
    await run(async () => {
      const saved = segment?.id
        ? await unwrap(api.PATCH("/api/v1/segments/{item_id}", {
          params: { path: { item_id: segment.id } }, headers: { "If-Match": etag(segment.version ?? 0) },
          body: { name, description: description || null, ...(kind === "dynamic" ? { rules } : {}) } }))
        : await unwrap(api.POST("/api/v1/segments", { headers: idempotency(),
          body: { name, description: description || null, kind, ...(kind === "dynamic" ? { rules } : {}) } }));
      queries.setQueryData(["segment", saved.id], saved);
      void queries.invalidateQueries({ queryKey: ["segments"] });
      void queries.invalidateQueries({ queryKey: ["segment-members", saved.id] });
      announce(t("mkt.saved"));
      if (!segment?.id) navigate(`/marketing/segments/${saved.id}`, { replace: true });
    });
  }

  return (
    <form className="form segment-form" onSubmit={(event) => void submit(event)} noValidate>
      {problem && (
        <div className="form-error" role="alert">
          <p>{problem.status === 412 ? t("mkt.changedElsewhere") : problem.message}</p>
          {problem.status === 412 && <button type="button" onClick={() => void queries.invalidateQueries({ queryKey: ["segment", segment?.id] })}>{t("mkt.reload")}</button>}
        </div>
      )}
      <div className="grid">
        <Field id="segment-name" label={t("mkt.name")} errors={errors.name}>
          <input id="segment-name" value={name} readOnly={readOnly} required onChange={(event) => setName(event.target.value)} {...invalidProps("segment-name", errors.name)} />
        </Field>
        <Field id="segment-kind" label={t("mkt.segment.kind")} errors={errors.kind}>
          <select id="segment-kind" value={kind} disabled={!!segment?.id || readOnly} onChange={(event) => setKind(event.target.value as "dynamic" | "static")}>
            <option value="dynamic">{t("mkt.segment.kinds.dynamic")}</option>
            <option value="static">{t("mkt.segment.kinds.static")}</option>
          </select>
        </Field>
      </div>
      <Field id="segment-description" label={t("mkt.description")} errors={errors.description}>
        <textarea id="segment-description" rows={2} value={description} readOnly={readOnly} onChange={(event) => setDescription(event.target.value)} />
      </Field>
      {kind === "dynamic" ? (
        <div className="builder-layout">
          <GroupEditor group={group} path={[]} fields={fields} errors={shown} edit={edit} readOnly={readOnly} />
          <aside>
            <LiveCount group={group} fields={fields} onErrors={setCountErrors} />
            {segment?.id && <p className="muted">{t("mkt.segment.memberCount", { count: segment.member_count ?? 0, formatted: formatNumber(segment.member_count ?? 0, locale) })}</p>}
          </aside>
        </div>
      ) : <p className="notice">{t("mkt.segment.staticHelp")}</p>}
      <datalist id="stages">{STAGES.map((stage) => <option key={stage} value={stage} />)}</datalist>
      {!readOnly && (
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>{t("app.save")}</button>
          <Link className="button" to="/marketing/segments">{t("app.cancel")}</Link>
          {segment?.id && (
            <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>{t("mkt.delete")}</button>
          )}
        </div>
      )}
    </form>
  );
}

export default function SegmentEdit() {
  const { t } = useTranslation();
  const { id } = useParams();
  const custom = useQuery({ queryKey: ["custom-fields"], staleTime: 300_000, queryFn: () => unwrap(api.GET("/api/v1/custom-fields")) });
  const segment = useQuery({
    queryKey: ["segment", id], enabled: !!id,
    queryFn: () => unwrap(api.GET("/api/v1/segments/{item_id}", { params: { path: { item_id: id ?? "" } } })),
  });
  const fields = useMemo(() => fieldsWith(custom.data?.items ?? []), [custom.data]);
  const title = id ? segment.data?.name ?? t("mkt.segment.title") : t("mkt.segment.newTitle");
  let body;
  if (id && segment.isPending) body = <Loading />;
  else if (id && segment.isError) body = <ErrorPanel error={segment.error} retry={() => void segment.refetch()} />;
  // A new version of the segment (after a save) starts the form afresh from it.
  else body = <SegmentForm key={`${segment.data?.id ?? "new"}-${segment.data?.version ?? 0}`} segment={segment.data} fields={fields} />;
  return (
    <MarketingPage title={title}>
      {body}
      {id && segment.data && <Members segment={segment.data} />}
    </MarketingPage>
  );
}
