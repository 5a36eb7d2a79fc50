import { useEffect, useRef, useState, type ReactNode } from "react";
import type { FeedEvent } from "./useClassFeed";

export interface Panel {
  id: string;
  label: string;
  content: ReactNode;
  /** Events that count as news for this panel while another one is open. */
  news?: (event: FeedEvent) => boolean;
}

/**
 * The class's interaction panels (chat, Q&A, polls, cards) as keyboard-friendly
 * tabs; a tab not on show counts what arrived for it since it was last open.
 */
export function SidePanels(props: {
  panels: Panel[];
  youId: string;
  subscribe: (listener: (events: FeedEvent[]) => void) => () => void;
}) {
  const { panels, subscribe, youId } = props;
  const [current, setCurrent] = useState(panels[0]?.id);
  const [unread, setUnread] = useState<Record<string, number>>({});
  const live = useRef({ panels, current });
  live.current = { panels, current };

  useEffect(
    () =>
      subscribe((events) => {
        const { panels: list, current: open } = live.current;
        const added: Record<string, number> = {};
        for (const event of events) {
          if (event.actorUserId === youId) continue;
          for (const panel of list) {
            if (panel.id !== open && panel.news?.(event)) {
              added[panel.id] = (added[panel.id] ?? 0) + 1;
            }
          }
        }
        if (Object.keys(added).length === 0) return;
        setUnread((counts) => {
          const next = { ...counts };
          for (const [id, n] of Object.entries(added)) next[id] = (next[id] ?? 0) + n;
          return next;
        });
      }),
    [subscribe, youId],
  );

  const open = (id: string) => {
    setCurrent(id);
    setUnread((counts) => ({ ...counts, [id]: 0 }));
  };

  return (
    <section className="class-panel">
      <div role="tablist" aria-label="Class panels" className="panel-tabs">
        {panels.map((panel) => {
          const count = unread[panel.id] ?? 0;
          return (
            <button
              key={panel.id}
              type="button"
              role="tab"
              id={`tab-${panel.id}`}
              aria-selected={current === panel.id}
              aria-controls={`panel-${panel.id}`}
              tabIndex={current === panel.id ? 0 : -1}
              onClick={() => open(panel.id)}
              onKeyDown={(event) => {
                const index = panels.findIndex((p) => p.id === current);
                const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
                if (!step) return;
                const next = panels[(index + step + panels.length) % panels.length]!;
                open(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }}
            >
              {panel.label}
              {count > 0 ? (
                <span className="badge">
                  {count > 99 ? "99+" : count}
                  <span className="visually-hidden"> new</span>
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
      {panels.map((panel) => (
        <div
          key={panel.id}
          role="tabpanel"
          id={`panel-${panel.id}`}
          aria-labelledby={`tab-${panel.id}`}
          hidden={current !== panel.id}
          className="panel-body"
        >
          {panel.content}
        </div>
      ))}
    </section>
  );
}
