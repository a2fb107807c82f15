// A stale edit (412) shown field by field: someone else's saved value beside the user's,
// and the two ways out (lib/conflict's rebase, or taking theirs).
import { useTranslation } from "react-i18next";
import type { FieldChange } from "../lib/conflict";

export function ConflictPanel({ id, title, changes, label, shown = (_, value) => value, keepMine, takeTheirs }: {
  id: string;
  title: string;
  changes: FieldChange[];
  label: (field: string) => string;
  /** A value as the user knows it (a person's name rather than their id). */
  shown?: (field: string, value: string) => string;
  keepMine: () => void;
  takeTheirs: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-error conflict" role="alert" aria-labelledby={id}>
      <p id={id}>{title}</p>
      {changes.length > 0 && (
        <table>
          <thead>
            <tr><th scope="col">{t("conflict.field")}</th><th scope="col">{t("conflict.theirs")}</th><th scope="col">{t("conflict.mine")}</th></tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field}>
                <th scope="row">{label(change.field)}</th>
                <td>{shown(change.field, change.theirs) || "—"}</td><td>{shown(change.field, change.mine) || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={keepMine}>{t("conflict.keepMine")}</button>
        <button type="button" onClick={takeTheirs}>{t("conflict.takeTheirs")}</button>
      </div>
    </div>
  );
}
