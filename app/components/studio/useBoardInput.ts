import type { HocuspocusProvider } from "@hocuspocus/provider";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import * as Y from "yjs";
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

/*
 * How a person works the board: the tool, colour and width they picked, the
 * gesture under way (drawing, moving, resizing, erasing, panning, the laser),
 * zoom and pan, their own undo history and the keyboard shortcuts. What they
 * share while drawing (cursor, laser, a stroke in progress) goes out in
 * awareness; a finished gesture becomes a change to the board's map.
 */

export interface Presence {
  user?: { name: string; color: string };
  board?: string;
  cursor?: { x: number; y: number } | null;
  laser?: boolean;
  draft?: Shape | null;
}

export type Gesture =
  | { kind: "draw"; shape: Shape }
  | { kind: "move"; id: string; from: { x: number; y: number }; shape: Shape; now: Shape }
  | { kind: "resize"; id: string; shape: Shape; now: Shape }
  | { kind: "erase" }
  | { kind: "pan"; from: { x: number; y: number }; view: View }
  | { kind: "laser" };

export interface View {
  x: number;
  y: number;
  zoom: number;
}

/** Where a text or sticky note is being typed, in board coordinates. */
export interface TextEdit {
  kind: "text" | "sticky";
  x: number;
  y: number;
}

export const TOOLS: { tool: Tool; label: string; key: string }[] = [
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

export const FULL: View = { x: 0, y: 0, zoom: 1 };

export function useBoardInput(options: {
  doc: Y.Doc;
  map: Y.Map<unknown>;
  shapes: [string, Shape][];
  provider: HocuspocusProvider | null;
  boardId: string;
  editable: boolean;
  me: { id: string };
}) {
  const { doc, map, shapes, provider, boardId, editable, me } = options;
  const [tool, setTool] = useState<Tool>("pen");
  const [color, setColor] = useState<string>(COLORS[0]);
  const [width, setWidth] = useState<number>(WIDTHS[1]);
  const [view, setView] = useState<View>(FULL);
  const [gesture, setGesture] = useState<Gesture | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [editor, setEditor] = useState<TextEdit | null>(null);
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

  return {
    svg,
    tool,
    setTool,
    color,
    setColor,
    width,
    setWidth,
    view,
    setView,
    gesture,
    selected,
    editor,
    others,
    undo,
    history,
    share,
    onPointerDown,
    onPointerMove,
    onPointerUp,
    onKeyDown,
    onWheel,
    zoomBy,
    commitText,
    clear,
  };
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
