// A form's submission: busy while it writes, then the API's field errors beside their fields
// and its problem above the form. Each screen wrote these three states and the same
// try/catch/finally around its write; this is that bookkeeping, once.
import { useCallback, useState } from "react";
import { ApiError } from "./api/client";

export type Submission = { busy: boolean; errors: Record<string, string[]>; problem: ApiError | null };

export type SubmitOptions = {
  /** A delete names no field: the errors of the last save stay beside their fields. */
  keepErrors?: boolean;
  /** What the screen does about a refusal (reload, close), done before the form is free again. */
  onProblem?: (problem: ApiError) => unknown;
};

const IDLE: Submission = { busy: false, errors: {}, problem: null };

/** Runs `write`, telling `update` each change of the form's state. Resolves to the write's
 * result, or undefined once the API refused it; any other failure is a bug and is thrown. */
export async function runSubmission<T>(write: () => Promise<T>, update: (change: Partial<Submission>) => void,
  { keepErrors = false, onProblem }: SubmitOptions = {}): Promise<T | undefined> {
  update(keepErrors ? { busy: true, problem: null } : { busy: true, errors: {}, problem: null });
  try {
    return await write();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    update(keepErrors ? { problem: error } : { errors: error.fieldErrors, problem: error });
    await onProblem?.(error);
    return undefined;
  } finally {
    update({ busy: false });
  }
}

/** What to say above the form: the problem's message, unless its field errors say it beside the fields. */
export function formMessage(problem: ApiError | null): string | null {
  return problem && !Object.keys(problem.fieldErrors).length ? problem.message : null;
}

/** The form's busy, errors and problem, `run` to submit a write with them, and `clear` to
 * forget the last refusal (when the form starts again from other values). */
export function useSubmission() {
  const [state, setState] = useState(IDLE);
  const run = useCallback(<T>(write: () => Promise<T>, options?: SubmitOptions) =>
    runSubmission(write, (change) => setState((current) => ({ ...current, ...change })), options), []);
  const clear = useCallback(() => setState((current) => ({ ...current, errors: {}, problem: null })), []);
  return { ...state, run, clear };
}
