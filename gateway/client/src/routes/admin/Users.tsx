// Users and their roles: an administrator adds a user, changes a role, or stops someone
// from signing in; each change is sent with the version read (a stale one reloads the list).
import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, etag, unwrap, type Schemas } from "../../api/client";
import { ROLES, type Role } from "../../lib/admin";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../locale";
import { useAnnounce } from "../../announcer";
import { useSession } from "../../session";
import { formMessage, useSubmission } from "../../useSubmission";
import { ErrorPanel, Field, Loading, invalidProps } from "../../ui";
import { AdminPage } from "./parts";

type User = Schemas["UserOut"];
type UserPage = Schemas["UserPage"];
const PAGE = 100;
const EMPTY = { email: "", name: "", password: "", role: "sales_rep" as Role };

function NewUser() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [draft, setDraft] = useState(EMPTY);
  const { busy, errors, problem, run } = useSubmission();
  const message = formMessage(problem);

  async function submit(event: FormEvent) {
    event.preventDefault();
    await run(async () => {
      const created = await unwrap(api.POST("/api/v1/users", { body: draft }));
      void queries.invalidateQueries({ queryKey: ["users"] });
      announce(t("admin.user.created", { name: created.name }));
      setDraft(EMPTY);
    });
  }

  const text = (name: "email" | "name" | "password", label: string, type: string, autoComplete: string, hint?: string) => (
    <Field id={`user-${name}`} label={label} errors={errors[name]}>
      <input id={`user-${name}`} type={type} autoComplete={autoComplete} value={draft[name]}
        aria-describedby={hint && !errors[name] ? `user-${name}-hint` : undefined}
        onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} {...invalidProps(`user-${name}`, errors[name])} />
      {hint && <span className="muted" id={`user-${name}-hint`}>{hint}</span>}
    </Field>
  );
  return (
    <form className="form card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="new-user-title">
      <h2 id="new-user-title">{t("admin.user.new")}</h2>
      {message && <p className="form-error" role="alert">{message}</p>}
      {text("name", t("admin.name"), "text", "off")}
      {text("email", t("admin.email"), "email", "off")}
      {text("password", t("admin.user.password"), "password", "new-password", t("admin.user.passwordHint"))}
      <Field id="user-role" label={t("admin.user.role")} errors={errors.role}>
        <select id="user-role" value={draft.role} onChange={(event) => setDraft({ ...draft, role: event.target.value as Role })}>
          {ROLES.map((role) => <option key={role} value={role}>{t(`admin.roles.${role}`)}</option>)}
        </select>
      </Field>
      <div className="actions"><button type="submit" className="primary" disabled={busy}>{t("admin.user.create")}</button></div>
    </form>
  );
}

/** An administrator sets someone's password (a forgotten one, a first sign-in). */
function NewPassword({ user }: { user: User }) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const id = `password-${user.id}`;
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH("/api/v1/users/{item_id}", {
      params: { path: { item_id: user.id ?? "" } }, headers: { "If-Match": etag(user.version ?? 0) }, body: { password } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ["users"] });
      announce(t("admin.user.passwordSet", { name: user.name }));
      setOpen(false);
      setPassword("");
    },
  });
  const errors = save.error instanceof ApiError ? save.error.fieldErrors.password ?? [save.error.message] : save.error ? [save.error.message] : undefined;
  if (!open) return <button type="button" className="link" aria-label={t("admin.user.setPassword", { name: user.name })} onClick={() => setOpen(true)}>{t("admin.user.setPasswordShort")}</button>;
  return (
    <form className="inline-form" onSubmit={(event) => { event.preventDefault(); save.mutate(); }} noValidate>
      <Field id={id} label={t("admin.user.newPassword", { name: user.name })} errors={errors}>
        <input id={id} type="password" autoComplete="new-password" value={password} autoFocus
          onChange={(event) => setPassword(event.target.value)} {...invalidProps(id, errors)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending || !password}>{t("app.save")}</button>
        <button type="button" onClick={() => { setOpen(false); save.reset(); }}>{t("app.cancel")}</button>
      </div>
    </form>
  );
}

function UserRow({ user, self }: { user: User; self: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queries = useQueryClient();
  const announce = useAnnounce();
  const change = useMutation({
    mutationFn: (patch: { role?: Role; active?: boolean }) => unwrap(api.PATCH("/api/v1/users/{item_id}", {
      params: { path: { item_id: user.id ?? "" } }, headers: { "If-Match": etag(user.version ?? 0) }, body: patch })),
    onSuccess: (saved) => {
      queries.setQueryData<InfiniteData<UserPage>>(["users"], (data) => data && {
        ...data, pages: data.pages.map((page) => ({
          ...page, items: (page.items ?? []).map((item) => item.id === saved.id ? saved : item) })) });
      announce(t("admin.user.changed", { name: saved.name }));
    },
    onError: (error) => {
      void queries.invalidateQueries({ queryKey: ["users"] });
      announce(error instanceof ApiError && error.status === 412 ? t("admin.user.stale", { name: user.name }) : error.message, "error");
    },
  });
  const id = `user-${user.id}`;
  return (
    <tr className={user.active ? undefined : "inactive"}>
      <th scope="row">{user.name} {self && <span className="muted">{t("admin.user.self")}</span>}</th>
      <td>{user.email}</td>
      <td>
        <select id={`${id}-role`} aria-label={t("admin.user.roleOf", { name: user.name })} value={change.isPending && change.variables.role ? change.variables.role : user.role}
          disabled={change.isPending || self} onChange={(event) => change.mutate({ role: event.target.value as Role })}>
          {ROLES.map((role) => <option key={role} value={role}>{t(`admin.roles.${role}`)}</option>)}
        </select>
      </td>
      <td>
        <input type="checkbox" id={`${id}-active`} aria-label={t("admin.user.activeOf", { name: user.name })} checked={change.isPending && change.variables.active !== undefined ? change.variables.active : !!user.active}
          disabled={change.isPending || self} onChange={(event) => change.mutate({ active: event.target.checked })} />
      </td>
      <td className="wide">{user.last_login_at ? formatDateTime(user.last_login_at, locale) : t("admin.user.never")}</td>
      <td><NewPassword user={user} /></td>
    </tr>
  );
}

export default function Users() {
  const { t } = useTranslation();
  const { user: me } = useSession();
  const users = useInfiniteQuery({
    queryKey: ["users"], initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET("/api/v1/users", { params: { query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
  const items = users.data?.pages.flatMap((page) => page.items ?? []) ?? [];
  return (
    <AdminPage title={t("admin.users")}>
      <div className="admin-layout">
        <div>
          {users.isPending ? <Loading /> : users.isError ? <ErrorPanel error={users.error} retry={() => void users.refetch()} /> : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">{t("admin.name")}</th><th scope="col">{t("admin.email")}</th><th scope="col">{t("admin.user.role")}</th>
                    <th scope="col">{t("admin.user.active")}</th><th scope="col" className="wide">{t("admin.user.lastLogin")}</th>
                    <th scope="col">{t("admin.user.password")}</th></tr>
                </thead>
                <tbody>
                  {items.map((user) => <UserRow key={`${user.id}-${user.version}`} user={user} self={user.id === me?.id} />)}
                </tbody>
              </table>
            </div>
          )}
          {users.hasNextPage && (
            <p className="sentinel">
              <button type="button" disabled={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>{t("admin.user.more")}</button>
            </p>
          )}
        </div>
        <NewUser />
      </div>
    </AdminPage>
  );
}
