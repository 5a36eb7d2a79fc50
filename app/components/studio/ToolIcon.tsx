import type { Tool } from "./shapes";

/** Line icons for the board's tools (plain SVG: no icon font to load or miss). */
const PATHS: Record<Tool | "undo" | "redo", string> = {
  select: "M5 3l14 8-6 2-3 6z",
  pen: "M4 20l4-1 11-11-3-3L5 16z",
  highlighter: "M6 15l8-8 4 4-8 8H6z M4 21h9",
  line: "M5 19L19 5",
  arrow: "M5 19L19 5 M10 5h9v9",
  rect: "M4 6h16v12H4z",
  ellipse: "M12 6c4.4 0 8 2.7 8 6s-3.6 6-8 6-8-2.7-8-6 3.6-6 8-6z",
  text: "M6 6h12 M12 6v13",
  sticky: "M5 5h14v9l-5 5H5z M14 19v-5h5",
  eraser: "M7 17l-3-3 8-8 6 6-5 5H7z M11 20h9",
  laser: "M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6 M12 2v4 M12 18v4 M2 12h4 M18 12h4",
  pan: "M12 3v18 M3 12h18 M9 6l3-3 3 3 M9 18l3 3 3-3 M6 9l-3 3 3 3 M18 9l3 3-3 3",
  undo: "M9 14L4 9l5-5 M4 9h10a6 6 0 0 1 0 12h-3",
  redo: "M15 14l5-5-5-5 M20 9H10a6 6 0 0 0 0 12h3",
};

export function ToolIcon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        d={PATHS[name]}
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
