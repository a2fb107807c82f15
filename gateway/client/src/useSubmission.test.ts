import { describe, expect, it } from "vitest";
import { ApiError } from "./api/client";
import { formMessage, runSubmission, type SubmitOptions, type Submission } from "./useSubmission";

const invalid = new ApiError(422, "Invalid input", undefined, { name: ["Missing data for required field."] });
const inUse = new ApiError(409, "Conflict", "a scheduled campaign uses it", {});

/** Runs a write as a form would, keeping each change of state it was told. */
function submitted<T>(write: () => Promise<T>, options?: SubmitOptions) {
  const changes: (Partial<Submission> | string)[] = [];
  const outcome = runSubmission(write, (change) => changes.push(change), options);
  return { changes, outcome };
}

describe("a form's submission", () => {
  it("is busy with no error while it writes, then gives the write's result", async () => {
    const { changes, outcome } = submitted(async () => "saved");
    expect(changes).toEqual([{ busy: true, errors: {}, problem: null }]);
    await expect(outcome).resolves.toBe("saved");
    expect(changes).toEqual([{ busy: true, errors: {}, problem: null }, { busy: false }]);
  });

  it("keeps the API's field errors and its problem, and resolves to undefined", async () => {
    const { changes, outcome } = submitted(() => Promise.reject(invalid));
    await expect(outcome).resolves.toBeUndefined();
    expect(changes).toEqual([
      { busy: true, errors: {}, problem: null },
      { errors: { name: ["Missing data for required field."] }, problem: invalid },
      { busy: false },
    ]);
  });

  it("throws anything that is not the API's answer, and is no longer busy", async () => {
    const bug = new TypeError("undefined is not a function");
    const { changes, outcome } = submitted(() => Promise.reject(bug));
    await expect(outcome).rejects.toBe(bug);
    expect(changes).toEqual([{ busy: true, errors: {}, problem: null }, { busy: false }]);
  });

  it("leaves the field errors alone when asked (a delete names no field)", async () => {
    const { changes, outcome } = submitted(() => Promise.reject(inUse), { keepErrors: true });
    await outcome;
    expect(changes).toEqual([{ busy: true, problem: null }, { problem: inUse }, { busy: false }]);
  });

  it("lets the screen act on a refusal, shown and still busy, before the form is free", async () => {
    const { changes, outcome } = submitted(() => Promise.reject(inUse), {
      onProblem: async (problem) => { changes.push(`reload after ${problem.status}`); },
    });
    await outcome;
    expect(changes).toEqual([
      { busy: true, errors: {}, problem: null }, { errors: {}, problem: inUse }, "reload after 409", { busy: false },
    ]);
  });

  it("acts on no refusal when the write succeeds", async () => {
    const { changes, outcome } = submitted(async () => 1, { onProblem: () => { changes.push("refused"); } });
    await outcome;
    expect(changes).not.toContain("refused");
  });
});

describe("the message above the form", () => {
  it("is the problem's own when it names no field", () => {
    expect(formMessage(inUse)).toBe(inUse.message);
  });

  it("is none when the field errors say it beside the fields, or when there is no problem", () => {
    expect(formMessage(invalid)).toBeNull();
    expect(formMessage(null)).toBeNull();
  });
});
