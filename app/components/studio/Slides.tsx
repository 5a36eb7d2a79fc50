import type { HocuspocusProvider } from "@hocuspocus/provider";
import { useEffect, useRef, useState } from "react";
import type * as Y from "yjs";
import { openPdf, renderPage } from "./pdf";
import { useMap } from "./useStudio";
import { Whiteboard } from "./Whiteboard";

export interface DeckInfo {
  deckId: string;
  name: string;
  pages: number;
}

interface Props {
  sessionId: string;
  doc: Y.Doc;
  provider: HocuspocusProvider | null;
  decks: DeckInfo[];
  /** May move the slides for everyone (and add decks). */
  canPresent: boolean;
  /** The studio is connected: changes may be made. */
  connected: boolean;
  canDraw: boolean;
  canClear: boolean;
  me: { id: string; name: string; color: string };
  onDeckAdded: (deck: DeckInfo) => void;
}

/**
 * The slides on show: the presenter picks the deck and page (the `slides` map
 * of the class document), everyone else follows, or browses on their own and
 * jumps back to the live slide. Each page has its own board to annotate it.
 */
export function Slides(props: Props) {
  const { sessionId, doc, decks, canPresent, connected } = props;
  const slides = useMap<unknown>(doc, "slides");
  const liveDeck = typeof slides.get("deck") === "string" ? (slides.get("deck") as string) : null;
  const live = {
    deckId: liveDeck ?? decks[0]?.deckId ?? null,
    page:
      liveDeck && typeof slides.get(liveDeck) === "number" ? (slides.get(liveDeck) as number) : 1,
  };
  const [browsing, setBrowsing] = useState<{ deckId: string; page: number } | null>(null);
  const shown = canPresent || !browsing ? live : browsing;
  const deck = decks.find((d) => d.deckId === shown.deckId) ?? null;
  const url = deck ? `/api/sessions/${sessionId}/decks/${deck.deckId}` : null;
  const [image, setImage] = useState<string | null>(null);
  const [thumbs, setThumbs] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    setImage(null);
    openPdf(url)
      .then((pdf) => renderPage(pdf, Math.min(shown.page, pdf.numPages)))
      .then((src) => !cancelled && setImage(src))
      .catch((error: unknown) => {
        console.error("could not render the slide", error);
        if (!cancelled) setProblem("This deck could not be shown. Try reloading the page.");
      });
    return () => {
      cancelled = true;
    };
  }, [url, shown.page]);

  // Thumbnails, one after another in the background (the first 60 pages).
  useEffect(() => {
    if (!url || !deck) return;
    let cancelled = false;
    setThumbs([]);
    void (async () => {
      const pdf = await openPdf(url);
      for (let page = 1; page <= Math.min(deck.pages, 60) && !cancelled; page += 1) {
        const src = await renderPage(pdf, page, 160);
        if (!cancelled) setThumbs((list) => [...list, src]);
      }
    })().catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [url, deck]);

  const go = (deckId: string, page: number) => {
    const target = decks.find((d) => d.deckId === deckId);
    if (!target) return;
    const clamped = Math.max(1, Math.min(target.pages, page));
    if (canPresent && connected) {
      doc.transact(() => {
        if (slides.get("deck") !== deckId) slides.set("deck", deckId);
        if (slides.get(deckId) !== clamped) slides.set(deckId, clamped);
      });
    } else if (!canPresent) {
      setBrowsing({ deckId, page: clamped });
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (!deck || (event.target as HTMLElement).closest("textarea, input, select, svg")) return;
    if (event.key === "ArrowRight" || event.key === "PageDown") go(deck.deckId, shown.page + 1);
    if (event.key === "ArrowLeft" || event.key === "PageUp") go(deck.deckId, shown.page - 1);
  };

  return (
    <section className="slides" aria-label="Slides" onKeyDown={onKeyDown}>
      <div className="slides-bar">
        {decks.length > 1 ? (
          <label>
            <span className="visually-hidden">Deck</span>
            <select
              value={deck?.deckId ?? ""}
              onChange={(e) => go(e.target.value, 1)}
              disabled={canPresent && !connected}
            >
              {decks.map((d) => (
                <option key={d.deckId} value={d.deckId}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        ) : deck ? (
          <strong className="deck-name">{deck.name}</strong>
        ) : null}
        {deck ? (
          <div className="slide-nav">
            <button
              type="button"
              className="button secondary"
              onClick={() => go(deck.deckId, shown.page - 1)}
              disabled={shown.page <= 1 || (canPresent && !connected)}
            >
              ← Previous
            </button>
            <span role="status" aria-live="polite" className="page-count">
              Slide {shown.page} of {deck.pages}
            </span>
            <button
              type="button"
              className="button secondary"
              onClick={() => go(deck.deckId, shown.page + 1)}
              disabled={shown.page >= deck.pages || (canPresent && !connected)}
            >
              Next →
            </button>
          </div>
        ) : null}
        {!canPresent && browsing ? (
          <button type="button" className="button" onClick={() => setBrowsing(null)}>
            Jump back to live (slide {live.page})
          </button>
        ) : null}
        {canPresent ? <DeckUpload sessionId={sessionId} onAdded={props.onDeckAdded} /> : null}
      </div>
      {problem ? (
        <p className="banner bad" role="alert">
          {problem}
        </p>
      ) : null}
      {deck ? (
        <>
          <Whiteboard
            doc={doc}
            provider={props.provider}
            boardId={`${deck.deckId}:${shown.page}`}
            editable={props.canDraw && connected}
            canClear={props.canClear}
            me={props.me}
            background={image}
            label={`${deck.name}, slide ${shown.page}`}
          />
          <ol className="thumbs" aria-label="Slides in this deck">
            {thumbs.map((src, i) => (
              <li key={i}>
                <button
                  type="button"
                  aria-current={shown.page === i + 1 ? "page" : undefined}
                  aria-label={`Slide ${i + 1}`}
                  onClick={() => go(deck.deckId, i + 1)}
                >
                  <img src={src} alt="" />
                </button>
              </li>
            ))}
          </ol>
        </>
      ) : (
        <div className="stage-empty">
          <h2>No slides yet</h2>
          <p className="muted">
            {canPresent ? "Add a PDF to present it." : "Your teacher hasn't shared slides yet."}
          </p>
        </div>
      )}
    </section>
  );
}

/** Add a PDF, with upload progress and the server's reasons when it is refused. */
function DeckUpload(props: { sessionId: string; onAdded: (deck: DeckInfo) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = (file: File) => {
    setError(null);
    setProgress(0);
    const request = new XMLHttpRequest();
    request.open(
      "POST",
      `/api/sessions/${props.sessionId}/decks?name=${encodeURIComponent(file.name)}`,
    );
    request.setRequestHeader("content-type", "application/pdf");
    request.setRequestHeader("accept", "application/json");
    request.upload.onprogress = (e) => e.lengthComputable && setProgress(e.loaded / e.total);
    request.onload = () => {
      setProgress(null);
      const body = JSON.parse(request.responseText || "{}") as {
        deck?: DeckInfo;
        error?: { message: string };
      };
      if (request.status === 201 && body.deck) props.onAdded(body.deck);
      else setError(body.error?.message ?? `The upload failed (${request.status}).`);
    };
    request.onerror = () => {
      setProgress(null);
      setError("The upload failed. Check your connection and try again.");
    };
    request.send(file);
  };
  return (
    <div className="deck-upload">
      <input
        ref={input}
        type="file"
        accept="application/pdf,.pdf"
        className="visually-hidden"
        id="deck-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) upload(file);
          e.target.value = "";
        }}
      />
      <label htmlFor="deck-file" className="button secondary">
        {progress === null ? "Add PDF…" : `Uploading ${Math.round(progress * 100)}%`}
      </label>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
