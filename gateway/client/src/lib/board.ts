// The Kanban's optimistic move: the card leaves its column and joins the target one at
// once, counts and totals follow; on a refusal the board snapshot taken before is restored.
import type { Board, BoardColumn, Opportunity } from "../api/client";
import { addDecimal } from "./decimal";

type Totals = NonNullable<BoardColumn["totals"]>;

function adjustTotals(totals: Totals, card: Opportunity, sign: 1 | -1): Totals {
  const currency = card.currency ?? "";
  const amount = card.amount ?? "0";
  const weighted = card.weighted_amount ?? "0";
  const found = totals.find((total) => total.currency === currency);
  if (!found) {
    return sign === 1 ? [...totals, { currency, amount, weighted_amount: weighted }] : totals;
  }
  return totals.map((total) => total !== found ? total : {
    ...total,
    amount: addDecimal(total.amount ?? "0", amount, sign),
    weighted_amount: addDecimal(total.weighted_amount ?? "0", weighted, sign),
  });
}

export function findCard(board: Board, cardId: string): { column: number; card: Opportunity } | null {
  const columns = board.stages ?? [];
  for (let index = 0; index < columns.length; index += 1) {
    const card = columns[index]?.cards?.find((candidate) => candidate.id === cardId);
    if (card) return { column: index, card };
  }
  return null;
}

/** The board with the card moved to `stageId` (first in its column); the same board when
 * the card or the stage is not on it, or the card is already there. */
export function moveCard(board: Board, cardId: string, stageId: string): Board {
  const from = findCard(board, cardId);
  const columns = board.stages ?? [];
  const target = columns.findIndex((column) => column.stage?.id === stageId);
  if (!from || target < 0 || target === from.column) return board;
  const stage = columns[target]?.stage;
  const moved: Opportunity = {
    ...from.card, stage_id: stageId, stage_name: stage?.name ?? from.card.stage_name,
  };
  return {
    ...board,
    stages: columns.map((column, index) => {
      if (index === from.column) {
        return {
          ...column,
          count: (column.count ?? 1) - 1,
          totals: adjustTotals(column.totals ?? [], from.card, -1),
          cards: (column.cards ?? []).filter((card) => card.id !== cardId),
        };
      }
      if (index === target) {
        return {
          ...column,
          count: (column.count ?? 0) + 1,
          totals: adjustTotals(column.totals ?? [], from.card, 1),
          cards: [moved, ...(column.cards ?? [])],
        };
      }
      return column;
    }),
  };
}

/** The stage next to the card's, `step` columns to the right (negative: left), or null. */
export function neighbourStage(board: Board, cardId: string, step: number): string | null {
  const from = findCard(board, cardId);
  if (!from) return null;
  return board.stages?.[from.column + step]?.stage?.id ?? null;
}

/** After a move answered by the server: its card (new version, probability) in place. */
export function replaceCard(board: Board, card: Opportunity): Board {
  return {
    ...board,
    stages: (board.stages ?? []).map((column) => ({
      ...column,
      cards: (column.cards ?? []).map((existing) => existing.id === card.id ? card : existing),
    })),
  };
}

export type BoardStore = { get: () => Board | undefined; set: (board: Board) => void };

/** Moves the card on screen at once, then asks the server: its answer replaces the card,
 * a refusal puts the board back as it was before and is rethrown for the caller to tell. */
export async function optimisticMove(
  store: BoardStore, cardId: string, stageId: string,
  send: (card: Opportunity) => Promise<Opportunity>,
): Promise<Opportunity | null> {
  const before = store.get();
  if (!before) return null;
  const found = findCard(before, cardId);
  const after = moveCard(before, cardId, stageId);
  if (!found || after === before) return null;
  store.set(after);
  try {
    const saved = await send(found.card);
    const current = store.get();
    if (current) store.set(replaceCard(current, saved));
    return saved;
  } catch (error) {
    store.set(before);
    throw error;
  }
}
