import type * as Y from "yjs";
import { COLORS, WIDTHS, type Tool } from "./shapes";
import { ToolIcon } from "./ToolIcon";
import { TOOLS } from "./useBoardInput";

/** The board's toolbar: tools, colour and width, undo/redo, clear, zoom and export. */
export function BoardToolbar(props: {
  editable: boolean;
  canClear: boolean;
  tool: Tool;
  onTool: (tool: Tool) => void;
  color: string;
  onColor: (color: string) => void;
  width: number;
  onWidth: (width: number) => void;
  undo: Y.UndoManager;
  history: { undo: boolean; redo: boolean };
  onClear: () => void;
  zoom: number;
  onZoom: (factor: number) => void;
  onFit: () => void;
  onExport: (kind: "svg" | "png") => void;
}) {
  const { editable, tool, color, width, undo, history } = props;
  return (
    <div className="board-tools" role="toolbar" aria-label="Whiteboard tools">
      {TOOLS.filter((t) => editable || t.tool === "pan").map((t) => (
        <button
          key={t.tool}
          type="button"
          className="tool"
          aria-pressed={tool === t.tool}
          title={`${t.label}${t.key === " " ? "" : ` (${t.key.toUpperCase()})`}`}
          aria-label={t.label}
          onClick={() => props.onTool(t.tool)}
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
                onClick={() => props.onColor(c)}
              />
            ))}
          </div>
          <label className="width-pick">
            <span className="visually-hidden">Line width</span>
            <select value={width} onChange={(e) => props.onWidth(Number(e.target.value))}>
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
            <button type="button" className="tool text" onClick={props.onClear}>
              Clear
            </button>
          ) : null}
        </>
      ) : null}
      <span className="tool-sep" />
      <button
        type="button"
        className="tool"
        onClick={() => props.onZoom(1 / 1.25)}
        aria-label="Zoom out"
      >
        −
      </button>
      <button type="button" className="tool text" onClick={props.onFit} aria-label="Fit the board">
        {Math.round(props.zoom * 100)}%
      </button>
      <button
        type="button"
        className="tool"
        onClick={() => props.onZoom(1.25)}
        aria-label="Zoom in"
      >
        +
      </button>
      <span className="tool-sep" />
      <button type="button" className="tool text" onClick={() => props.onExport("png")}>
        PNG
      </button>
      <button type="button" className="tool text" onClick={() => props.onExport("svg")}>
        SVG
      </button>
    </div>
  );
}
