// A list's saved views: pick one to apply it, save the current query under a name, delete.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ApiError, unwrap, type Schemas } from "../api/client";
import { useAnnounce } from "../announcer";
import { savedViews, type ListQuery } from "../lib/contactList";
import { Field, invalidProps } from "../ui";

export type SavedView = Schemas["SavedViewOut"];
type Resource = "contacts" | "accounts";

/** `list` reads a view's query as the list does (see lib/contactList's `listQuery`). */
export function SavedViews({ resource, current, apply, list }: {
  resource: Resource; current: ListQuery; apply: (query: ListQuery) => void;
  list: { queryOf: (query: ListQuery) => ListQuery; viewMatching: <T extends { query: ListQuery }>(views: readonly T[], current: ListQuery) => T | undefined };
}) {
  const { t } = useTranslation();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const listed = savedViews(resource);
  const key = listed.queryKey;
  const views = useQuery(listed);
  // The name form is open for a new view of the current query, or to rename a view.
  const [naming, setNaming] = useState<"new" | SavedView | null>(null);
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [problem, setProblem] = useState<string | null>(null);

  const items = views.data?.items ?? [];
  const selected = list.viewMatching(items, current);

  const create = useMutation({
    mutationFn: (viewName: string) => naming === "new" || !naming
      ? unwrap(api.POST("/api/v1/saved-views", { body: { resource, name: viewName, query: current } }))
      : unwrap(api.PATCH("/api/v1/saved-views/{item_id}", { params: { path: { item_id: naming.id } }, body: { name: viewName } })),
    onSuccess: (view) => {
      void queries.invalidateQueries({ queryKey: key });
      announce(t(naming === "new" ? "views.saved" : "views.renamed", { name: view.name }));
      setNaming(null);
      setName("");
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) throw error;
      // The query's own errors are the list's, not the form's: shown as the problem.
      setErrors(error.fieldErrors);
      setProblem(error.fieldErrors.name ? null : error.message);
    },
  });
  const remove = useMutation({
    mutationFn: (view: SavedView) => unwrap(api.DELETE("/api/v1/saved-views/{item_id}", {
      params: { path: { item_id: view.id } } })).then(() => view),
    onSuccess: (view) => {
      void queries.invalidateQueries({ queryKey: key });
      announce(t("views.deleted", { name: view.name }));
    },
    onError: (error) => announce(error instanceof ApiError ? error.message : t("app.error"), "error"),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setProblem(null);
    create.mutate(name.trim());
  }

  function choose(id: string) {
    const view = items.find((item) => item.id === id);
    apply(view ? list.queryOf(view.query) : {});
    if (view) announce(t("views.applied", { name: view.name }));
  }

  const id = `${resource}-view-name`;
  return (
    <div className="saved-views">
      <label>
        <span>{t("views.label")}</span>
        <select value={selected?.id ?? ""} onChange={(event) => choose(event.target.value)}
          aria-invalid={views.isError || undefined} disabled={views.isPending}>
          <option value="">{views.isError ? t("views.failed") : t("views.none")}</option>
          {items.map((view) => <option key={view.id} value={view.id}>{view.name}</option>)}
        </select>
      </label>
      {selected && !naming && (
        <>
          <button type="button" onClick={() => { setNaming(selected); setName(selected.name ?? ""); }}>
            {t("views.rename", { name: selected.name })}
          </button>
          <button type="button" onClick={() => remove.mutate(selected)} disabled={remove.isPending}>
            {t("views.delete", { name: selected.name })}
          </button>
        </>
      )}
      {!naming ? (
        <button type="button" onClick={() => setNaming("new")} title={t("views.saveTitle")}>{t("views.save")}</button>
      ) : (
        <form className="save-view" onSubmit={submit} noValidate
          aria-label={naming === "new" ? t("views.saveTitle") : t("views.rename", { name: naming.name })}>
          <Field id={id} label={t("views.name")} errors={errors.name}>
            <input id={id} value={name} maxLength={100} required autoFocus
              onChange={(event) => setName(event.target.value)} {...invalidProps(id, errors.name)} />
          </Field>
          {problem && <p className="form-error" role="alert">{problem}</p>}
          <div className="actions">
            <button type="submit" className="primary" disabled={create.isPending}>{t("views.create")}</button>
            <button type="button" onClick={() => { setNaming(null); setName(""); setErrors({}); setProblem(null); }}>{t("app.cancel")}</button>
          </div>
        </form>
      )}
    </div>
  );
}
