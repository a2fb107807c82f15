// A stale edit (412): which fields someone else changed since the form was opened, with
// their value and the user's, so that the user chooses instead of losing either.

export type FieldChange = { field: string; theirs: string; mine: string };

export function changedFields<T extends Record<string, string>>(base: T, theirs: T, mine: T): FieldChange[] {
  return Object.keys(base)
    .filter((field) => theirs[field] !== base[field])
    .map((field) => ({ field, theirs: theirs[field] ?? "", mine: mine[field] ?? "" }));
}

/** The user's draft moved onto their version: the fields the user did not touch take
 * the other change; the ones both changed keep the user's value. */
export function rebase<T extends Record<string, string>>(base: T, theirs: T, mine: T): T {
  const merged = { ...theirs };
  for (const field of Object.keys(base) as (keyof T)[]) {
    if (mine[field] !== base[field]) merged[field] = mine[field];
  }
  return merged;
}
