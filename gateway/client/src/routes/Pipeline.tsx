import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { Link } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { DndContext, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { api, ApiError, etag, unwrap, type Board, type BoardColumn, type Opportunity } from "../api/client";
import { neighbourStage, optimisticMove } from "../lib/board";
import { formatMoney } from "../lib/format";
import { can } from "../lib/nav";
import { useLocale } from "../locale";
import { useSession } from "../session";
import { useAnnounce } from "../announcer";
import { ErrorPanel, Loading } from "../ui";
import { addMessages } from "../i18n";
import { salesMessages } from "../messages/sales";

addMessages(salesMessages);

function Card({ card, movable, first, last, onMove }: {
  card: Opportunity; movable: boolean; first: boolean; last: boolean; onMove: (card: Opportunity, step: number) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { listeners, setNodeRef, transform, isDragging } = useDraggable({ id: card.id ?? "", disabled: !movable });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  const onKeyDown = (event: KeyboardEvent) => {
    if (!movable || !event.shiftKey) return;
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      onMove(card, event.key === "ArrowRight" ? 1 : -1);
    }
  };
  // dnd-kit's pointer sensor drags; the keyboard moves are the card's own keys (its ARIA
  // attributes, made for its keyboard sensor, would announce keys that do nothing here).
  return (
    <li ref={setNodeRef} style={style} className={isDragging ? "deal dragging" : "deal"} data-card-id={card.id}
      tabIndex={0} onKeyDown={onKeyDown} aria-keyshortcuts={movable ? "Shift+ArrowLeft Shift+ArrowRight" : undefined}
      aria-label={`${card.name}, ${card.stage_name}`} {...(movable ? listeners : {})}>
      <span className="deal-name">{card.name}</span>
      <span className="deal-amount">{formatMoney(card.amount ?? "0", card.currency ?? "EUR", locale)}</span>
      <span className="muted">{t("board.probability", { value: card.probability ?? 0 })}</span>
      {/* Its own target, outside the drag: a drop never opens the deal, a click never drags it. */}
      <Link className="deal-open" to={`/deals/${card.id}`} draggable={false} aria-label={t("deal.openNamed", { name: card.name })}
        onPointerDown={(event) => event.stopPropagation()}>{t("deal.open")}</Link>
      {movable && (
        <span className="deal-moves">
          <button type="button" tabIndex={-1} disabled={first} aria-label={t("board.moveLeft")}
            onPointerDown={(event) => event.stopPropagation()} onClick={() => onMove(card, -1)}>←</button>
          <button type="button" tabIndex={-1} disabled={last} aria-label={t("board.moveRight")}
            onPointerDown={(event) => event.stopPropagation()} onClick={() => onMove(card, 1)}>→</button>
        </span>
      )}
    </li>
  );
}

function Column({ column, index, total, movable, onMove }: {
  column: BoardColumn; index: number; total: number; movable: boolean; onMove: (card: Opportunity, step: number) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { setNodeRef, isOver } = useDroppable({ id: column.stage?.id ?? "" });
  const headingId = `stage-${column.stage?.id}`;
  return (
    <section ref={setNodeRef} className={isOver ? "column over" : "column"} aria-labelledby={headingId} data-stage-id={column.stage?.id}>
      <h2 id={headingId}>{column.stage?.name}</h2>
      <p className="column-summary">
        <span data-testid="count">{t("board.count", { count: column.count ?? 0 })}</span>
        {(column.totals ?? []).map((total) => (
          <span key={total.currency}> · {formatMoney(total.amount ?? "0", total.currency ?? "EUR", locale)}</span>
        ))}
      </p>
      {(column.cards ?? []).length === 0 ? <p className="muted">{t("board.empty")}</p> : (
        <ul className="deals">
          {(column.cards ?? []).map((card) => (
            <Card key={card.id} card={card} movable={movable} first={index === 0} last={index === total - 1} onMove={onMove} />
          ))}
        </ul>
      )}
      {column.next_cursor && <p className="muted">{t("board.moreCards")}</p>}
    </section>
  );
}

export default function Pipeline() {
  const { t } = useTranslation();
  const { user } = useSession();
  const announce = useAnnounce();
  const queries = useQueryClient();
  const movable = can.moveDeals(user?.permissions);
  const pipelines = useQuery({ queryKey: ["pipelines"], queryFn: () => unwrap(api.GET("/api/v1/pipelines")) });
  const [chosen, setChosen] = useState<string>("");
  const pipelineId = chosen || pipelines.data?.items?.find((pipeline) => pipeline.is_default)?.id || pipelines.data?.items?.[0]?.id || "";
  const [mine, setMine] = useState(false);
  const owner = mine ? user?.id : undefined;
  const key = ["board", pipelineId, owner ?? "all"];
  const board = useQuery({
    queryKey: key,
    enabled: Boolean(pipelineId),
    queryFn: () => unwrap(api.GET("/api/v1/opportunities/board", {
      params: { query: { pipeline_id: pipelineId, status: "open", ...(owner ? { owner_id: owner } : {}) } },
    })),
    // Fresh without a reload: polled every 15 s; the gateway answers 304 while nothing changed.
    refetchInterval: 15_000,
  });
  const focusAfterMove = useRef<string | null>(null);
  useEffect(() => {
    if (!focusAfterMove.current) return;
    document.querySelector<HTMLElement>(`[data-card-id="${focusAfterMove.current}"]`)?.focus();
    focusAfterMove.current = null;
  });
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));

  async function move(cardId: string, stageId: string) {
    const current = queries.getQueryData<Board>(key);
    const card = current?.stages?.flatMap((column) => column.cards ?? []).find((candidate) => candidate.id === cardId);
    const stage = current?.stages?.find((column) => column.stage?.id === stageId)?.stage;
    if (!card || !stage) return;
    focusAfterMove.current = cardId;
    await queries.cancelQueries({ queryKey: key });
    try {
      const saved = await optimisticMove(
        { get: () => queries.getQueryData<Board>(key), set: (next) => queries.setQueryData(key, next) },
        cardId, stageId,
        (before) => unwrap(api.POST("/api/v1/opportunities/{item_id}/move", {
          params: { path: { item_id: cardId } }, body: { stage_id: stageId },
          headers: { "If-Match": etag(before.version ?? 0) },
        })),
      );
      if (saved) announce(t("board.moved", { deal: card.name, stage: stage.name }));
    } catch (error) {
      focusAfterMove.current = cardId;
      if (error instanceof ApiError && (error.status === 409 || error.status === 412)) {
        announce(t("board.conflict", { deal: card.name }), "error");
        void queries.invalidateQueries({ queryKey: key });
      } else {
        announce(t("board.failed", { deal: card.name, reason: error instanceof Error ? error.message : "" }), "error");
      }
    }
  }

  const step = (card: Opportunity, offset: number) => {
    const current = queries.getQueryData<Board>(key);
    const target = current && card.id ? neighbourStage(current, card.id, offset) : null;
    if (target && card.id) void move(card.id, target);
  };
  const onDragEnd = (event: DragEndEvent) => {
    if (event.over) void move(String(event.active.id), String(event.over.id));
  };

  if (pipelines.isPending) return <Loading />;
  if (pipelines.isError) return <ErrorPanel error={pipelines.error} retry={() => void pipelines.refetch()} />;
  if (board.isError) return <ErrorPanel error={board.error} retry={() => void board.refetch()} />;
  const columns = board.data?.stages ?? [];
  return (
    <section aria-labelledby="board-title" className="board-page">
      <div className="page-head">
        <h1 id="board-title">{t("board.title")}</h1>
        {movable && <Link className="button primary" to="/deals/new">{t("dealNew.title")}</Link>}
        <label className="inline">
          <input type="checkbox" checked={mine} onChange={(event) => setMine(event.target.checked)} />
          <span>{t("board.mine")}</span>
        </label>
        {(pipelines.data?.items ?? []).length > 1 && (
          <label>
            <span>{t("board.pipeline")}</span>
            <select value={pipelineId} onChange={(event) => setChosen(event.target.value)}>
              {(pipelines.data?.items ?? []).map((pipeline) => <option key={pipeline.id} value={pipeline.id}>{pipeline.name}</option>)}
            </select>
          </label>
        )}
      </div>
      {movable && <p className="muted" id="board-help">{t("board.help")}</p>}
      {board.isPending && <Loading />}
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div className="board">
          {columns.map((column, index) => (
            <Column key={column.stage?.id} column={column} index={index} total={columns.length} movable={movable} onMove={step} />
          ))}
        </div>
      </DndContext>
    </section>
  );
}
