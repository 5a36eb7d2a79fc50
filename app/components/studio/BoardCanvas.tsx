import { useState, type RefObject } from "react";
import { BOARD, boxOf, type Shape, type Tool } from "./shapes";
import { ShapeView } from "./ShapeView";
import type { Gesture, Presence, TextEdit, View } from "./useBoardInput";

/*
 * The board as drawn: the slide under it, the shapes (the one being moved or
 * resized as it is now), the stroke being drawn, the selection, others'
 * cursors, lasers and strokes in progress, and the box text is typed into.
 */

export function BoardCanvas(props: {
  svgRef: RefObject<SVGSVGElement>;
  label: string;
  tool: Tool;
  view: View;
  shapes: [string, Shape][];
  /** A slide (image) under the shapes, for annotating it. */
  background?: string | null;
  gesture: Gesture | null;
  selected: string | null;
  others: [number, Presence][];
  editor: TextEdit | null;
  onTextDone: (text: string) => void;
  onPointerDown: (event: React.PointerEvent<SVGSVGElement>) => void;
  onPointerMove: (event: React.PointerEvent<SVGSVGElement>) => void;
  onPointerUp: () => void;
  onPointerLeave: () => void;
  onWheel: (event: React.WheelEvent) => void;
}) {
  const { svgRef: svg, view, shapes, gesture, selected, editor } = props;
  const live = gesture?.kind === "move" || gesture?.kind === "resize" ? gesture : null;
  const selection = selected
    ? live?.id === selected
      ? live.now
      : shapes.find(([id]) => id === selected)?.[1]
    : null;
  const selectionBox = selection ? boxOf(selection) : null;
  const editorAt = editor && svg.current ? toScreen(svg.current, editor.x, editor.y) : null;

  return (
    <div className="board-surface">
      <svg
        ref={svg}
        className={`board-svg tool-${props.tool}`}
        viewBox={`${view.x} ${view.y} ${BOARD.width / view.zoom} ${BOARD.height / view.zoom}`}
        preserveAspectRatio="xMidYMid meet"
        tabIndex={0}
        role="img"
        aria-label={`${props.label}: ${shapes.length} shape${shapes.length === 1 ? "" : "s"}`}
        data-shapes={shapes.length}
        onPointerDown={props.onPointerDown}
        onPointerMove={props.onPointerMove}
        onPointerUp={props.onPointerUp}
        onPointerCancel={props.onPointerUp}
        onPointerLeave={props.onPointerLeave}
        onWheel={props.onWheel}
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
          {props.others.map(([client, state]) => (
            <g key={client}>
              {state.draft ? <ShapeView shape={state.draft} faded /> : null}
              {state.cursor ? (
                state.laser ? (
                  <circle cx={state.cursor.x} cy={state.cursor.y} r={9} className="laser" />
                ) : (
                  <g transform={`translate(${state.cursor.x} ${state.cursor.y})`}>
                    <path d="M0 0L0 18L5 13L12 13Z" fill={state.user?.color ?? "#333"} />
                    <text x={14} y={26} className="cursor-name" fill={state.user?.color ?? "#333"}>
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
        <TextEditor kind={editor.kind} at={editorAt} onDone={props.onTextDone} />
      ) : null}
    </div>
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

function toScreen(svg: SVGSVGElement, x: number, y: number) {
  const matrix = svg.getScreenCTM()!;
  const point = new DOMPoint(x, y).matrixTransform(matrix);
  const frame = svg.parentElement!.getBoundingClientRect();
  return { left: point.x - frame.left, top: point.y - frame.top };
}
