import type { HocuspocusProvider } from "@hocuspocus/provider";
import type * as Y from "yjs";
import { BoardCanvas } from "./BoardCanvas";
import { boardPng, boardSvg, download } from "./boardExport";
import { BoardToolbar } from "./BoardToolbar";
import { shapesOf } from "./shapes";
import { FULL, useBoardInput } from "./useBoardInput";
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

export function Whiteboard(props: Props) {
  const { doc, provider, boardId, editable, me } = props;
  const map = useMap<unknown>(doc, `board:${boardId}`);
  const shapes = shapesOf(map.entries());
  const board = useBoardInput({ doc, map, shapes, provider, boardId, editable, me });
  const { svg } = board;

  const exportAs = async (kind: "svg" | "png") => {
    if (!svg.current) return;
    const name = `${props.label.replace(/[^\w-]+/g, "-")}.${kind}`;
    if (kind === "svg")
      download(name, new Blob([boardSvg(svg.current)], { type: "image/svg+xml" }));
    else download(name, await boardPng(svg.current));
  };

  return (
    <section className="board" aria-label={props.label} onKeyDown={board.onKeyDown}>
      <BoardToolbar
        editable={editable}
        canClear={props.canClear}
        tool={board.tool}
        onTool={board.setTool}
        color={board.color}
        onColor={board.setColor}
        width={board.width}
        onWidth={board.setWidth}
        undo={board.undo}
        history={board.history}
        onClear={board.clear}
        zoom={board.view.zoom}
        onZoom={(factor) => board.zoomBy(factor)}
        onFit={() => board.setView(FULL)}
        onExport={(kind) => void exportAs(kind)}
      />
      <BoardCanvas
        svgRef={svg}
        label={props.label}
        tool={board.tool}
        view={board.view}
        shapes={shapes}
        background={props.background}
        gesture={board.gesture}
        selected={board.selected}
        others={board.others}
        editor={board.editor}
        onTextDone={board.commitText}
        onPointerDown={board.onPointerDown}
        onPointerMove={board.onPointerMove}
        onPointerUp={board.onPointerUp}
        onPointerLeave={() => board.share({ cursor: null })}
        onWheel={board.onWheel}
      />
    </section>
  );
}
