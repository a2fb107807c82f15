import { describe, expect, it } from "vitest";
import type { Board, Opportunity } from "../api/client";
import { moveCard, neighbourStage, optimisticMove } from "./board";

const deal = (id: string, stage: string, amount: string): Opportunity => ({
  id, name: `Deal ${id}`, stage_id: stage, stage_name: stage, amount, weighted_amount: amount, currency: "EUR", version: 1,
});

function board(): Board {
  return {
    stages: [
      { stage: { id: "s1", name: "s1" }, count: 2, totals: [{ currency: "EUR", amount: "300.50", weighted_amount: "300.50" }],
        cards: [deal("a", "s1", "100.25"), deal("b", "s1", "200.25")] },
      { stage: { id: "s2", name: "s2" }, count: 0, totals: [], cards: [] },
    ],
  };
}

describe("moveCard", () => {
  it("moves the card and its count and totals to the target column", () => {
    const moved = moveCard(board(), "a", "s2");
    expect(moved.stages?.[0]?.count).toBe(1);
    expect(moved.stages?.[0]?.totals?.[0]?.amount).toBe("200.25");
    expect(moved.stages?.[1]?.count).toBe(1);
    expect(moved.stages?.[1]?.totals).toEqual([{ currency: "EUR", amount: "100.25", weighted_amount: "100.25" }]);
    expect(moved.stages?.[1]?.cards?.[0]).toMatchObject({ id: "a", stage_id: "s2" });
  });

  it("leaves the board alone for an unknown card or stage, or the same stage", () => {
    const before = board();
    expect(moveCard(before, "zz", "s2")).toBe(before);
    expect(moveCard(before, "a", "nowhere")).toBe(before);
    expect(moveCard(before, "a", "s1")).toBe(before);
  });

  it("finds the neighbouring stage for keyboard moves", () => {
    expect(neighbourStage(board(), "a", 1)).toBe("s2");
    expect(neighbourStage(board(), "a", -1)).toBeNull();
  });
});

describe("optimisticMove", () => {
  const store = (initial: Board) => {
    let current: Board | undefined = initial;
    const seen: Board[] = [];
    return { get: () => current, set: (next: Board) => { current = next; seen.push(next); }, seen };
  };

  it("shows the move before the server answers, then the server's card", async () => {
    const state = store(board());
    let release!: (card: Opportunity) => void;
    const pending = optimisticMove(state, "a", "s2", () => new Promise((resolve) => { release = resolve; }));
    expect(state.get()?.stages?.[1]?.cards?.[0]?.id).toBe("a");
    release({ ...deal("a", "s2", "100.25"), version: 2, probability: 40 });
    await pending;
    expect(state.get()?.stages?.[1]?.cards?.[0]).toMatchObject({ version: 2, probability: 40 });
  });

  it("puts the board back as it was when the server refuses (409, 412)", async () => {
    const initial = board();
    const state = store(initial);
    const refusal = Object.assign(new Error("stale"), { status: 412 });
    await expect(optimisticMove(state, "a", "s2", async () => { throw refusal; })).rejects.toBe(refusal);
    expect(state.seen).toHaveLength(2); // the optimistic board, then the rollback
    expect(state.get()).toBe(initial);
    expect(state.get()?.stages?.[0]?.count).toBe(2);
  });

  it("sends nothing when there is nothing to move", async () => {
    const state = store(board());
    let sent = false;
    expect(await optimisticMove(state, "a", "s1", async (card) => { sent = true; return card; })).toBeNull();
    expect(sent).toBe(false);
  });
});
