import type * as PdfJs from "pdfjs-dist";
import type { PDFDocumentProxy } from "pdfjs-dist";
import { BOARD } from "./shapes";

/*
 * pdf.js in the browser, loaded on demand (it is large) straight from the
 * installed package, served at /vendor/pdfjs (see app/web.server.ts): our
 * bundler would have to lower its modern class syntax, and gets it wrong.
 */

const VENDOR = "/vendor/pdfjs";
// Through a parameter, so the bundler leaves the import to the browser.
const load = (url: string) => import(/* @vite-ignore */ url) as Promise<typeof PdfJs>;
const decks = new Map<string, Promise<PDFDocumentProxy>>();

export function openPdf(url: string): Promise<PDFDocumentProxy> {
  let deck = decks.get(url);
  if (!deck) {
    deck = load(`${VENDOR}/pdf.min.mjs`).then(async (pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = `${VENDOR}/pdf.worker.min.mjs`;
      return pdfjs.getDocument({
        url,
        isEvalSupported: false,
        standardFontDataUrl: `${VENDOR}/standard_fonts/`,
      }).promise;
    });
    deck.catch(() => decks.delete(url));
    decks.set(url, deck);
  }
  return deck;
}

/**
 * One page as an image the size of the board (letterboxed on white), so the
 * board's coordinates are the same on every screen. `width` scales it down for
 * thumbnails.
 */
export async function renderPage(
  pdf: PDFDocumentProxy,
  pageNumber: number,
  width: number = BOARD.width,
): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  const height = (width * BOARD.height) / BOARD.width;
  const natural = page.getViewport({ scale: 1 });
  const scale = Math.min(width / natural.width, height / natural.height);
  const viewport = page.getViewport({ scale });
  const canvas = Object.assign(document.createElement("canvas"), { width, height });
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, width, height);
  context.translate((width - viewport.width) / 2, (height - viewport.height) / 2);
  await page.render({ canvas, canvasContext: context, viewport }).promise;
  return canvas.toDataURL(width >= BOARD.width ? "image/png" : "image/jpeg");
}
