import type { HocuspocusProvider } from "@hocuspocus/provider";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import * as Y from "yjs";
import { boardPng, boardSvg, download } from "./boardExport";
import {
  BOARD,
  boxOf,
  COLORS,
  hits,
  moved,
  normalise,
  resized,
  round,
  shapesOf,
  WIDTHS,
  withPoint,
  type Box,
  type Shape,
  type Tool,
} from "./shapes";
import { ShapeView } from "./ShapeView";
import { ToolIcon } from "./ToolIcon";
import { useMap } from "./useStudio";

/*
 * A shared board: the shapes live in the class document (`board:<id>`), so every
 * change is sequenced by the sync server; cursors, the laser and strokes still
 * being drawn travel in awareness (not logged) and become a shape on pointer-up.
 */

interface Props {
  doc: Y.Doc;
  provider: HocuspocusProvider | null;
  boardId: string;
  /** May draw now: has the power, and the studio is connected. */
  editable: boolean;
  canClear: boolean;
  me: { id: string; name: string; color: string };
  /** A slide (image) under the shapes, for annotating it. */
  background?: string | null;
  label: string;
}

interface Presence {
  user?: { name: string; color: string };
  board?: string;
  cursor?: { x: number; y: number } | null;
  laser?: boolean;
  draft?: Shape | null;
}

type Gesture =
  | { kind: "draw"; shape: Shape }
  | { kind: "move"; id: string; from: { x: number; y: number }; shape: Shape; now: Shape }
  | { kind: "resize"; id: string; shape: Shape; now: Shape }
  | { kind: "erase" }
  | { kind: "pan"; from: { x: number; y: number }; view: View }
  | { kind: "laser" };

interface View {
  x: number;
  y: number;
  zoom: number;
}

const TOOLS: { tool: Tool; label: string; key: string }[] = [
  { tool: "select", label: "Select and move", key: "v" },
  { tool: "pen", label: "Pen", key: "p" },
  { tool: "highlighter", label: "Highlighter", key: "h" },
  { tool: "line", label: "Line", key: "l" },
  { tool: "arrow", label: "Arrow", key: "a" },
  { tool: "rect", label: "Rectangle", key: "r" },
  { tool: "ellipse", label: "Ellipse", key: "o" },
  { tool: "text", label: "Text", key: "t" },
  { tool: "sticky", label: "Sticky note", key: "s" },
  { tool: "eraser", label: "Eraser", key: "e" },
  { tool: "laser", label: "Laser pointer", key: "k" },
  { tool: "pan", label: "Pan", key: " " },
];

const FULL: View = { x: 0, y: 0, zoom: 1 };

export function Whiteboard(props: Props) {
  const { doc, provider, boardId, editable, me } = props;
  const map = useMap<unknown>(doc, `board:${boardId}`);
  const shapes = shapesOf(map.entries());
  const [tool, setTool] = useState<Tool>("pen");
  const [color, setColor] = useState<string>(COLORS[0]);
  const [width, setWidth] = useState<number>(WIDTHS[1]);
  const [view, setView] = useState<View>(FULL);
  const [gesture, setGesture] = useState<Gesture | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editor, setEditor] = useState<{ kind: "text" | "sticky"; x: number; y: number } | null>(
    null,
  );
  const [others, setOthers] = useState<[number, Presence][]>([]);
  const svg = useRef<SVGSVGElement>(null);
  // Undo/redo only this person's own changes (their transactions carry this origin).
  const origin = useMemo(() => ({ by: me.id }), [me.id]);
  const undo = useMemo(
    () => new Y.UndoManager(map, { trackedOrigins: new Set([origin]), captureTimeout: 0 }),
    [map, origin],
  );
  const [history, setHistory] = useState({ undo: false, redo: false });
  useEffect(() => {
    const update = () => setHistory({ undo: undo.canUndo(), redo: undo.canRedo() });
    undo.on("stack-item-added", update);
    undo.on("stack-item-popped", update);
    return () => undo.destroy();
  }, [undo]);

  // Others' cursors, lasers and strokes in progress on this board.
  useEffect(() => {
    const awareness = provider?.awareness;
    if (!awareness) return;
    const refresh = () =>
      setOthers(
        [...(awareness.getStates() as Map<number, Presence>)].filter(
          ([client, state]) => client !== awareness.clientID && state.board === boardId,
        ),
      );
    awareness.on("change", refresh);
    refresh();
    return () => awareness.off("change", refresh);
  }, [provider, boardId]);
  const share = useCallback(
    (fields: Partial<Presence>) => {
      const awareness = provider?.awareness;
      if (!awareness) return;
      awareness.setLocalState({ ...awareness.getLocalState(), board: boardId, ...fields });
    },
    [provider, boardId],
  );

  const write = (change: () => void) => doc.transact(change, origin);
  const put = (id: string, shape: Shape) => write(() => map.set(id, shape));
  const newShape = (kind: Shape["kind"], fields: Partial<Shape>): Shape => ({
    kind,
    color,
    width,
    author: me.id,
    at: Date.now() + Math.random() / 1_000,
    ...fields,
  });

  const toBoard = (event: { clientX: number; clientY: number }) => {
    const matrix = svg.current!.getScreenCTM()!.inverse();
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
    return { x: round(point.x), y: round(point.y) };
  };
  const topShapeAt = (x: number, y: number) =>
    [...shapes].reverse().find(([, shape]) => hits(shape, x, y, 8 / view.zoom))?.[0] ?? null;
  const erase = (x: number, y: number) => {
    const id = topShapeAt(x, y);
    if (id) write(() => map.delete(id));
  };

  const onPointerDown = (event: React.PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    const { x, y } = toBoard(event);
    if (tool === "pan" || (!editable && tool !== "laser")) {
      setGesture({ kind: "pan", from: { x: event.clientX, y: event.clientY }, view });
    } else if (tool === "laser") {
      share({ laser: true, cursor: { x, y } });
      setGesture({ kind: "laser" });
    } else if (tool === "eraser") {
      erase(x, y);
      setGesture({ kind: "erase" });
    } else if (tool === "text" || tool === "sticky") {
      setEditor({ kind: tool, x, y });
      return;
    } else if (tool === "select") {
      const box = selected ? map.get(selected) : null;
      const current = selected && box ? shapesOf([[selected, box]])[0]?.[1] : undefined;
      const corner = current ? boxOf(current) : null;
      if (selected && current && corner && near(x, y, corner.x + corner.w, corner.y + corner.h)) {
        setGesture({ kind: "resize", id: selected, shape: current, now: current });
      } else {
        const id = topShapeAt(x, y);
        setSelected(id);
        const shape = id ? shapes.find(([key]) => key === id)?.[1] : undefined;
        if (id && shape) setGesture({ kind: "move", id, from: { x, y }, shape, now: shape });
      }
    } else {
      const points = tool === "pen" || tool === "highlighter" ? [x, y] : [x, y, x, y];
      const shape =
        tool === "rect" || tool === "ellipse"
          ? newShape(tool, { x, y, w: 0, h: 0 })
          : newShape(tool, { points });
      setGesture({ kind: "draw", shape });
    }
    event.currentTarget.setPointerCapture(event.pointerId);
  };

  const onPointerMove = (event: React.PointerEvent<SVGSVGElement>) => {
    const { x, y } = toBoard(event);
    if (editable || tool === "laser") share({ cursor: { x, y } });
    if (!gesture) return;
    switch (gesture.kind) {
      case "pan": {
        const scale = BOARD.width / gesture.view.zoom / svg.current!.clientWidth;
        setView({
          ...gesture.view,
          x: gesture.view.x - (event.clientX - gesture.from.x) * scale,
          y: gesture.view.y - (event.clientY - gesture.from.y) * scale,
        });
        break;
      }
      case "erase":
        erase(x, y);
        break;
      case "move":
        setGesture({
          ...gesture,
          now: moved(gesture.shape, x - gesture.from.x, y - gesture.from.y),
        });
        break;
      case "resize": {
        const box = boxOf(gesture.shape);
        const to = { x: box.x, y: box.y, w: Math.max(8, x - box.x), h: Math.max(8, y - box.y) };
        setGesture({ ...gesture, now: resized(gesture.shape, to) });
        break;
      }
      case "draw": {
        const shape = drawnTo(gesture.shape, x, y, event.shiftKey);
        setGesture({ kind: "draw", shape });
        share({ draft: shape });
        break;
      }
    }
  };

  const onPointerUp = () => {
    if (gesture?.kind === "draw" && !isEmpty(gesture.shape)) {
      put(crypto.randomUUID(), finished(gesture.shape));
    } else if (
      (gesture?.kind === "move" || gesture?.kind === "resize") &&
      gesture.now !== gesture.shape
    ) {
      put(gesture.id, gesture.now);
    }
    if (gesture?.kind === "laser") share({ laser: false });
    if (gesture?.kind === "draw") share({ draft: null });
    setGesture(null);
  };

  const commitText = (text: string) => {
    if (editor && text.trim()) {
      put(
        crypto.randomUUID(),
        editor.kind === "sticky"
          ? newShape("sticky", { x: editor.x, y: editor.y, w: 220, h: 160, text })
          : newShape("text", { x: editor.x, y: editor.y, text }),
      );
    }
    setEditor(null);
  };

  const clear = () => {
    if (!window.confirm("Clear the whole board for everyone?")) return;
    write(() => [...map.keys()].forEach((key) => map.delete(key)));
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if ((event.target as HTMLElement).closest("input, textarea")) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === "z") {
      event.preventDefault();
      if (event.shiftKey) undo.redo();
      else undo.undo();
    } else if (mod && event.key.toLowerCase() === "y") {
      event.preventDefault();
      undo.redo();
    } else if ((event.key === "Delete" || event.key === "Backspace") && selected && editable) {
      write(() => map.delete(selected));
      setSelected(null);
    } else if (event.key === "Escape") {
      setSelected(null);
      setEditor(null);
    } else if (!mod && !event.altKey) {
      const match = TOOLS.find((t) => t.key === event.key.toLowerCase() && t.key !== " ");
      if (match && (editable || match.tool === "laser" || match.tool === "pan")) {
        setTool(match.tool);
      }
    }
  };

  const zoomBy = (
    factor: number,
    around = { x: view.x + BOARD.width / view.zoom / 2, y: view.y + BOARD.height / view.zoom / 2 },
  ) =>
    setView((v) => {
      const zoom = Math.min(8, Math.max(0.25, v.zoom * factor));
      return {
        zoom,
        x: around.x - ((around.x - v.x) * v.zoom) / zoom,
        y: around.y - ((around.y - v.y) * v.zoom) / zoom,
      };
    });
  const onWheel = (event: React.WheelEvent) => {
    if (event.ctrlKey || event.metaKey) {
      zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1, toBoard(event));
    } else {
      const scale = 1 / view.zoom;
      setView((v) => ({ ...v, x: v.x + event.deltaX * scale, y: v.y + event.deltaY * scale }));
    }
  };

  const exportAs = async (kind: "svg" | "png") => {
    if (!svg.current) return;
    const name = `${props.label.replace(/[^\w-]+/g, "-")}.${kind}`;
    if (kind === "svg")
      download(name, new Blob([boardSvg(svg.current)], { type: "image/svg+xml" }));
    else download(name, await boardPng(svg.current));
  };

  const live = gesture?.kind === "move" || gesture?.kind === "resize" ? gesture : null;
  const selection = selected
    ? live?.id === selected
      ? live.now
      : shapes.find(([id]) => id === selected)?.[1]
    : null;
  const selectionBox = selection ? boxOf(selection) : null;
  const editorAt = editor && svg.current ? toScreen(svg.current, editor.x, editor.y) : null;

  return (
    <section className="board" aria-label={props.label} onKeyDown={onKeyDown}>
      <div className="board-tools" role="toolbar" aria-label="Whiteboard tools">
        {TOOLS.filter((t) => editable || t.tool === "pan").map((t) => (
          <button
            key={t.tool}
            type="button"
            className="tool"
            aria-pressed={tool === t.tool}
            title={`${t.label}${t.key === " " ? "" : ` (${t.key.toUpperCase()})`}`}
            aria-label={t.label}
            onClick={() => setTool(t.tool)}
          >
            <ToolIcon name={t.tool} />
          </button>
        ))}
        {editable ? (
          <>
            <span className="tool-sep" />
            <div role="radiogroup" aria-label="Colour" className="swatches">
              {COLORS.map((c) => (
                <button
                  key={c}
                  type="button"
                  role="radio"
                  aria-checked={color === c}
                  aria-label={`Colour ${c}`}
                  className="swatch"
                  style={{ background: c }}
                  onClick={() => setColor(c)}
                />
              ))}
            </div>
            <label className="width-pick">
              <span className="visually-hidden">Line width</span>
              <select value={width} onChange={(e) => setWidth(Number(e.target.value))}>
                {WIDTHS.map((w) => (
                  <option key={w} value={w}>
                    {w}px
                  </option>
                ))}
              </select>
            </label>
            <span className="tool-sep" />
            <button
              type="button"
              className="tool"
              disabled={!history.undo}
              onClick={() => undo.undo()}
              aria-label="Undo"
              title="Undo (Ctrl+Z)"
            >
              <ToolIcon name="undo" />
            </button>
            <button
              type="button"
              className="tool"
              disabled={!history.redo}
              onClick={() => undo.redo()}
              aria-label="Redo"
              title="Redo (Ctrl+Shift+Z)"
            >
              <ToolIcon name="redo" />
            </button>
            {props.canClear ? (
              <button type="button" className="tool text" onClick={clear}>
                Clear
              </button>
            ) : null}
          </>
        ) : null}
        <span className="tool-sep" />
        <button
          type="button"
          className="tool"
          onClick={() => zoomBy(1 / 1.25)}
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          className="tool text"
          onClick={() => setView(FULL)}
          aria-label="Fit the board"
        >
          {Math.round(view.zoom * 100)}%
        </button>
        <button type="button" className="tool" onClick={() => zoomBy(1.25)} aria-label="Zoom in">
          +
        </button>
        <span className="tool-sep" />
        <button type="button" className="tool text" onClick={() => void exportAs("png")}>
          PNG
        </button>
        <button type="button" className="tool text" onClick={() => void exportAs("svg")}>
          SVG
        </button>
      </div>
      <div className="board-surface">
        <svg
          ref={svg}
          className={`board-svg tool-${tool}`}
          viewBox={`${view.x} ${view.y} ${BOARD.width / view.zoom} ${BOARD.height / view.zoom}`}
          preserveAspectRatio="xMidYMid meet"
          tabIndex={0}
          role="img"
          aria-label={`${props.label}: ${shapes.length} shape${shapes.length === 1 ? "" : "s"}`}
          data-shapes={shapes.length}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onPointerLeave={() => share({ cursor: null })}
          onWheel={onWheel}
        >
          <rect x={0} y={0} width={BOARD.width} height={BOARD.height} fill="#fff" />
          {props.background ? (
            <image
              href={props.background}
              x={0}
              y={0}
              width={BOARD.width}
              height={BOARD.height}
              data-slide=""
            />
          ) : null}
          {shapes.map(([id, shape]) =>
            live?.id === id ? null : <ShapeView key={id} id={id} shape={shape} />,
          )}
          {live ? <ShapeView shape={live.now} /> : null}
          {gesture?.kind === "draw" ? <ShapeView shape={gesture.shape} /> : null}
          <g data-overlay="">
            {selectionBox ? (
              <>
                <rect
                  x={selectionBox.x - 6}
                  y={selectionBox.y - 6}
                  width={selectionBox.w + 12}
                  height={selectionBox.h + 12}
                  className="selection"
                />
                <rect
                  x={selectionBox.x + selectionBox.w - 6}
                  y={selectionBox.y + selectionBox.h - 6}
                  width={12}
                  height={12}
                  className="handle"
                />
              </>
            ) : null}
            {others.map(([client, state]) => (
              <g key={client}>
                {state.draft ? <ShapeView shape={state.draft} faded /> : null}
                {state.cursor ? (
                  state.laser ? (
                    <circle cx={state.cursor.x} cy={state.cursor.y} r={9} className="laser" />
                  ) : (
                    <g transform={`translate(${state.cursor.x} ${state.cursor.y})`}>
                      <path d="M0 0L0 18L5 13L12 13Z" fill={state.user?.color ?? "#333"} />
                      <text
                        x={14}
                        y={26}
                        className="cursor-name"
                        fill={state.user?.color ?? "#333"}
                      >
                        {state.user?.name}
                      </text>
                    </g>
                  )
                ) : null}
              </g>
            ))}
          </g>
        </svg>
        {editor && editorAt ? (
          <TextEditor kind={editor.kind} at={editorAt} onDone={commitText} />
        ) : null}
      </div>
    </section>
  );
}

function TextEditor(props: {
  kind: "text" | "sticky";
  at: { left: number; top: number };
  onDone: (text: string) => void;
}) {
  const [text, setText] = useState("");
  return (
    <textarea
      autoFocus
      className={`board-editor ${props.kind}`}
      style={props.at}
      aria-label={props.kind === "sticky" ? "Sticky note text" : "Text"}
      placeholder={props.kind === "sticky" ? "Note…" : "Type, then press Enter"}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter" && !e.shiftKey) {
          e.preventDefault();
          props.onDone(text);
        } else if (e.key === "Escape") {
          props.onDone("");
        }
      }}
      onBlur={() => props.onDone(text)}
    />
  );
}

/** The shape being drawn, stretched to the pointer (Shift: straight lines at 45°, squares, circles). */
function drawnTo(shape: Shape, x: number, y: number, constrain: boolean): Shape {
  if (shape.kind === "pen" || shape.kind === "highlighter") {
    return { ...shape, points: withPoint(shape.points ?? [], x, y) };
  }
  if (shape.kind === "line" || shape.kind === "arrow") {
    const [x0, y0] = shape.points!;
    let [x1, y1] = [x, y];
    if (constrain) {
      const angle = Math.round(Math.atan2(y - y0!, x - x0!) / (Math.PI / 4)) * (Math.PI / 4);
      const length = Math.hypot(x - x0!, y - y0!);
      [x1, y1] = [round(x0! + length * Math.cos(angle)), round(y0! + length * Math.sin(angle))];
    }
    return { ...shape, points: [x0!, y0!, x1, y1] };
  }
  let [w, h] = [x - shape.x!, y - shape.y!];
  if (constrain) w = h = Math.sign(w || 1) * Math.max(Math.abs(w), Math.abs(h));
  return { ...shape, w, h };
}

/** Boxes are stored with positive sizes. */
function finished(shape: Shape): Shape {
  if (shape.kind !== "rect" && shape.kind !== "ellipse") return shape;
  return { ...shape, ...normalise(shape as Box) };
}

function isEmpty(shape: Shape): boolean {
  const box = boxOf(shape);
  return shape.kind === "pen" || shape.kind === "highlighter"
    ? (shape.points?.length ?? 0) < 2
    : box.w < 3 && box.h < 3;
}

const near = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy) < 14;

function toScreen(svg: SVGSVGElement, x: number, y: number) {
  const matrix = svg.getScreenCTM()!;
  const point = new DOMPoint(x, y).matrixTransform(matrix);
  const frame = svg.parentElement!.getBoundingClientRect();
  return { left: point.x - frame.left, top: point.y - frame.top };
}
