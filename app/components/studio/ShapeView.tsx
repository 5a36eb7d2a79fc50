import { boxOf, smoothPath, type Shape } from "./shapes";

/** One shape as SVG. `id` lets the eraser and selection find it under the pointer. */
export function ShapeView({ id, shape, faded }: { id?: string; shape: Shape; faded?: boolean }) {
  const common = {
    "data-shape": id,
    stroke: shape.color,
    strokeWidth: shape.width,
    fill: "none",
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
    opacity: faded ? 0.6 : 1,
  };
  const box = boxOf(shape);
  switch (shape.kind) {
    case "pen":
      return <path d={smoothPath(shape.points ?? [])} {...common} />;
    case "highlighter":
      return (
        <path
          d={smoothPath(shape.points ?? [])}
          {...common}
          strokeWidth={shape.width * 4}
          opacity={0.35}
          strokeLinecap="square"
        />
      );
    case "line":
    case "arrow": {
      const [x1, y1, x2, y2] = shape.points ?? [0, 0, 0, 0];
      return (
        <g data-shape={id} opacity={common.opacity}>
          <line x1={x1} y1={y1} x2={x2} y2={y2} {...common} />
          {shape.kind === "arrow" ? (
            <path d={arrowHead(x1!, y1!, x2!, y2!, shape.width)} {...common} fill={shape.color} />
          ) : null}
        </g>
      );
    }
    case "rect":
      return <rect x={box.x} y={box.y} width={box.w} height={box.h} rx={4} {...common} />;
    case "ellipse":
      return (
        <ellipse
          cx={box.x + box.w / 2}
          cy={box.y + box.h / 2}
          rx={box.w / 2}
          ry={box.h / 2}
          {...common}
        />
      );
    case "text":
      return (
        <text
          data-shape={id}
          x={box.x}
          y={box.y + fontSize(shape)}
          fill={shape.color}
          fontSize={fontSize(shape)}
          fontFamily="system-ui, sans-serif"
          opacity={common.opacity}
        >
          {(shape.text ?? "").split("\n").map((line, i) => (
            <tspan key={i} x={box.x} dy={i === 0 ? 0 : fontSize(shape) * 1.2}>
              {line}
            </tspan>
          ))}
        </text>
      );
    case "sticky":
      return (
        <g data-shape={id} opacity={common.opacity}>
          <rect x={box.x} y={box.y} width={box.w} height={box.h} fill="#fef08a" stroke="#eab308" />
          <foreignObject
            x={box.x + 8}
            y={box.y + 8}
            width={Math.max(0, box.w - 16)}
            height={Math.max(0, box.h - 16)}
          >
            <div className="sticky-text" style={{ color: shape.color }}>
              {shape.text}
            </div>
          </foreignObject>
        </g>
      );
  }
}

const fontSize = (shape: Shape) => 12 + shape.width * 3;

function arrowHead(x1: number, y1: number, x2: number, y2: number, width: number): string {
  const angle = Math.atan2(y2 - y1, x2 - x1);
  const size = 10 + width * 2;
  const left = [x2 - size * Math.cos(angle - 0.45), y2 - size * Math.sin(angle - 0.45)];
  const right = [x2 - size * Math.cos(angle + 0.45), y2 - size * Math.sin(angle + 0.45)];
  return `M${x2} ${y2}L${left[0]} ${left[1]}L${right[0]} ${right[1]}Z`;
}
