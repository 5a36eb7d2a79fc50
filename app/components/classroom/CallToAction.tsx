import { Component, useState, type ReactNode } from "react";
import type { Card } from "../../../core/interaction/ctas";
import { callApi, newKey, problemOf } from "./api";
import type { FeedEvent } from "./useClassFeed";
import { useLiveResource } from "./useLiveResource";

type Subscribe = (listener: (events: FeedEvent[]) => void) => () => void;

/** Take the card off everyone's screen (teachers). */
export const hideCard = (sessionId: string, cardId: string) =>
  callApi(`/api/sessions/${sessionId}/cards/${cardId}`, { method: "DELETE" });

/** The card on screen now, kept current by the class's `cta.*` events. */
export function useCurrentCard(sessionId: string, subscribe: Subscribe) {
  const { data, reload } = useLiveResource<{ card: Card | null }>(
    `/api/sessions/${sessionId}/cards`,
    subscribe,
    (e) => e.type.startsWith("cta."),
    "Cards are unavailable right now.",
    50,
  );
  return { card: data?.card ?? null, reload };
}

/**
 * A call-to-action card as the class sees it: title, text, link and a QR
 * code drawn by the server. If the QR image or the card itself fails, a
 * plain card with the link shows instead (DESIGN.md section 7).
 */
export function CardView(props: { sessionId: string; card: Card; onHide?: () => void }) {
  const fallback = <StaticCard card={props.card} onHide={props.onHide} />;
  return (
    <CardBoundary key={props.card.cardId} fallback={fallback}>
      <DynamicCard {...props} fallback={fallback} />
    </CardBoundary>
  );
}

function DynamicCard(props: {
  sessionId: string;
  card: Card;
  onHide?: () => void;
  fallback: ReactNode;
}) {
  const { card } = props;
  const [qrFailed, setQrFailed] = useState(false);
  if (qrFailed) return <>{props.fallback}</>;
  return (
    <aside className="cta-card" aria-label={`Card: ${card.title}`} data-testid="cta-card">
      <img
        className="cta-qr"
        src={`/api/sessions/${props.sessionId}/cards/${card.cardId}/qr.svg`}
        alt={`QR code for ${card.url}`}
        width={120}
        height={120}
        onError={() => setQrFailed(true)}
      />
      <div className="cta-text">
        <h2>{card.title}</h2>
        {card.body ? <p>{card.body}</p> : null}
        <a className="button" href={card.url} target="_blank" rel="noopener noreferrer">
          Open link
        </a>
      </div>
      {props.onHide ? <HideButton onHide={props.onHide} /> : null}
    </aside>
  );
}

/** The card without the QR code or anything else that could fail: just the link. */
function StaticCard({ card, onHide }: { card: Card; onHide?: () => void }) {
  return (
    <aside className="cta-card static" aria-label={`Card: ${card.title}`} data-testid="cta-static">
      <div className="cta-text">
        <h2>{card.title}</h2>
        <p>
          <a href={card.url} target="_blank" rel="noopener noreferrer">
            {card.url}
          </a>
        </p>
      </div>
      {onHide ? <HideButton onHide={onHide} /> : null}
    </aside>
  );
}

function HideButton({ onHide }: { onHide: () => void }) {
  return (
    <button type="button" className="button secondary small cta-hide" onClick={onHide}>
      Hide card
    </button>
  );
}

class CardBoundary extends Component<
  { fallback: ReactNode; children: ReactNode },
  { failed: boolean }
> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** The teacher's form: show a card to the whole class (it replaces the one on screen). */
export function CardComposer(props: {
  sessionId: string;
  current: Card | null;
  onChange: () => void;
}) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [url, setUrl] = useState("https://");
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const show = async () => {
    setSending(true);
    setProblem(null);
    try {
      await callApi(`/api/sessions/${props.sessionId}/cards`, {
        json: { title, body, url },
        idempotencyKey: newKey("card"),
      });
      setTitle("");
      setBody("");
      setUrl("https://");
      props.onChange();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSending(false);
    }
  };

  const hide = async () => {
    if (!props.current) return;
    try {
      await hideCard(props.sessionId, props.current.cardId);
      props.onChange();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };

  return (
    <form
      className="cta-composer"
      aria-label="Show a card"
      onSubmit={(e) => {
        e.preventDefault();
        void show();
      }}
    >
      {props.current ? (
        <p className="muted small" role="status">
          On screen: <strong>{props.current.title}</strong>{" "}
          <button type="button" className="link-button" onClick={() => void hide()}>
            Hide it
          </button>
        </p>
      ) : (
        <p className="muted small">Show the class a link, with a QR code for phones.</p>
      )}
      <div className="field">
        <label htmlFor="cta-title">Title</label>
        <input
          id="cta-title"
          className="input"
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          placeholder="Homework 3"
        />
      </div>
      <div className="field">
        <label htmlFor="cta-body">Text (optional)</label>
        <input
          id="cta-body"
          className="input"
          maxLength={1_000}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="cta-url">Link</label>
        <input
          id="cta-url"
          className="input"
          type="url"
          inputMode="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </div>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="button small" disabled={sending || !title.trim()}>
        {props.current ? "Replace the card" : "Show card"}
      </button>
    </form>
  );
}
