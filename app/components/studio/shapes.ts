import { z } from "zod";

/*
 * What the whiteboard holds: one plain object per shape in the board's Y.Map
 * (`board:<id>`, key = shape id). A shape is replaced whole when it changes,
 * so two people moving different shapes never conflict. Coordinates are in
 * board units: the board is BOARD.width × BOARD.height, whatever the screen.
 */

export const BOARD = { width: 1600, height: 900 } as const;

const coordinate = z.number().finite().min(-100_000).max(100_000);

export const shapeSchema = z.object({
  kind: z.enum(["pen", "highlighter", "line", "arrow", "rect", "ellipse", "text", "sticky"]),
  /** pen/highlighter: every point as x,y pairs; line/arrow: start and end. */
  points: z.array(coordinate).max(20_000).optional(),
  x: coordinate.optional(),
  y: coordinate.optional(),
  w: coordinate.optional(),
  h: coordinate.optional(),
  text: z.string().max(2_000).optional(),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
  width: z.number().min(1).max(64),
  author: z.string().max(100),
  /** Stacking order: later shapes on top. */
  at: z.number(),
});
export type Shape = z.infer<typeof shapeSchema>;
export type Tool = Shape["kind"] | "select" | "eraser" | "laser" | "pan";

export const COLORS = ["#1f2937", "#dc2626", "#2563eb", "#16a34a", "#d97706", "#9333ea"] as const;
export const WIDTHS = [2, 4, 8, 16] as const;

/** Shapes from a board map, valid ones only, bottom first. */
export function shapesOf(entries: Iterable<[string, unknown]>): [string, Shape][] {
  const list: [string, Shape][] = [];
  for (const [id, value] of entries) {
    const parsed = shapeSchema.safeParse(value);
    if (parsed.success) list.push([id, parsed.data]);
  }
  return list.sort((a, b) => a[1].at - b[1].at);
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function boxOf(shape: Shape): Box {
  if (shape.points && shape.points.length >= 2) {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i + 1 < shape.points.length; i += 2) {
      minX = Math.min(minX, shape.points[i]!);
      maxX = Math.max(maxX, shape.points[i]!);
      minY = Math.min(minY, shape.points[i + 1]!);
      maxY = Math.max(maxY, shape.points[i + 1]!);
    }
    return { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
  }
  return normalise({ x: shape.x ?? 0, y: shape.y ?? 0, w: shape.w ?? 0, h: shape.h ?? 0 });
}

/** A box with positive width and height, whichever way it was dragged. */
export function normalise(box: Box): Box {
  return {
    x: Math.min(box.x, box.x + box.w),
    y: Math.min(box.y, box.y + box.h),
    w: Math.abs(box.w),
    h: Math.abs(box.h),
  };
}

/** The shape moved by (dx, dy). */
export function moved(shape: Shape, dx: number, dy: number): Shape {
  if (shape.points) {
    return { ...shape, points: shape.points.map((v, i) => v + (i % 2 === 0 ? dx : dy)) };
  }
  return { ...shape, x: (shape.x ?? 0) + dx, y: (shape.y ?? 0) + dy };
}

/** The shape stretched so that its box becomes `to`. */
export function resized(shape: Shape, to: Box): Shape {
  const from = boxOf(shape);
  if (shape.points) {
    const sx = from.w === 0 ? 1 : to.w / from.w;
    const sy = from.h === 0 ? 1 : to.h / from.h;
    return {
      ...shape,
      points: shape.points.map((v, i) =>
        i % 2 === 0 ? to.x + (v - from.x) * sx : to.y + (v - from.y) * sy,
      ),
    };
  }
  return { ...shape, ...normalise(to) };
}

/** A smooth SVG path through a pen's points (quadratic curves through midpoints). */
export function smoothPath(points: readonly number[]): string {
  if (points.length < 2) return "";
  if (points.length < 6) {
    const [x, y] = points;
    const [x2, y2] = points.length >= 4 ? [points[2], points[3]] : [x! + 0.1, y];
    return `M${x} ${y}L${x2} ${y2}`;
  }
  let d = `M${points[0]} ${points[1]}`;
  for (let i = 2; i + 3 < points.length; i += 2) {
    const [cx, cy, nx, ny] = [points[i]!, points[i + 1]!, points[i + 2]!, points[i + 3]!];
    d += `Q${cx} ${cy} ${round((cx + nx) / 2)} ${round((cy + ny) / 2)}`;
  }
  return d + `L${points.at(-2)} ${points.at(-1)}`;
}

/** Add a point unless it is within a pixel or two of the last one (keeps strokes small). */
export function withPoint(points: number[], x: number, y: number, minDistance = 2): number[] {
  const n = points.length;
  if (n >= 2 && Math.hypot(x - points[n - 2]!, y - points[n - 1]!) < minDistance) return points;
  return [...points, round(x), round(y)];
}

export const round = (v: number) => Math.round(v * 10) / 10;

/** Does a point fall on the shape (within `slack` board units)? For the eraser and selection. */
export function hits(shape: Shape, x: number, y: number, slack = 8): boolean {
  const box = boxOf(shape);
  const pad = slack + shape.width / 2;
  if (x < box.x - pad || x > box.x + box.w + pad || y < box.y - pad || y > box.y + box.h + pad) {
    return false;
  }
  if (!shape.points) return true;
  for (let i = 0; i + 3 < shape.points.length; i += 2) {
    if (
      distanceToSegment(
        x,
        y,
        shape.points[i]!,
        shape.points[i + 1]!,
        shape.points[i + 2]!,
        shape.points[i + 3]!,
      ) <= pad
    ) {
      return true;
    }
  }
  return shape.points.length === 2 && Math.hypot(x - shape.points[0]!, y - shape.points[1]!) <= pad;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  const [dx, dy] = [bx - ax, by - ay];
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / length));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
