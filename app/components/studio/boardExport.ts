import { BOARD } from "./shapes";

/** The board as a standalone SVG file (its shapes and slide, without cursors or selection). */
export function boardSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("viewBox", `0 0 ${BOARD.width} ${BOARD.height}`);
  copy.setAttribute("width", String(BOARD.width));
  copy.setAttribute("height", String(BOARD.height));
  copy.querySelectorAll("[data-overlay]").forEach((node) => node.remove());
  return new XMLSerializer().serializeToString(copy);
}

export function download(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** The board as a PNG, drawn from its SVG on a canvas at the board's size. */
export async function boardPng(svg: SVGSVGElement): Promise<Blob> {
  const image = new Image();
  const url = URL.createObjectURL(new Blob([boardSvg(svg)], { type: "image/svg+xml" }));
  try {
    image.src = url;
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"), {
      width: BOARD.width,
      height: BOARD.height,
    });
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, BOARD.width, BOARD.height);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error("export failed"))),
        "image/png",
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
