import { useState, type ReactNode } from "react";

const PANELS = [
  { id: "chat", label: "Chat" },
  { id: "questions", label: "Q&A" },
  { id: "polls", label: "Polls" },
] as const;

/**
 * The class's interaction panels: chat, Q&A and polls (the last two arrive
 * with their features).
 */
export function SidePanels(props: { chat: ReactNode }) {
  const [current, setCurrent] = useState<(typeof PANELS)[number]["id"]>("chat");
  return (
    <section className="class-panel">
      <div role="tablist" aria-label="Class panels" className="panel-tabs">
        {PANELS.map((panel) => (
          <button
            key={panel.id}
            type="button"
            role="tab"
            id={`tab-${panel.id}`}
            aria-selected={current === panel.id}
            aria-controls={`panel-${panel.id}`}
            tabIndex={current === panel.id ? 0 : -1}
            onClick={() => setCurrent(panel.id)}
            onKeyDown={(event) => {
              const index = PANELS.findIndex((p) => p.id === current);
              const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
              if (!step) return;
              const next = PANELS[(index + step + PANELS.length) % PANELS.length]!;
              setCurrent(next.id);
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
          >
            {panel.label}
          </button>
        ))}
      </div>
      {PANELS.map((panel) => (
        <div
          key={panel.id}
          role="tabpanel"
          id={`panel-${panel.id}`}
          aria-labelledby={`tab-${panel.id}`}
          hidden={current !== panel.id}
          className="panel-body"
        >
          {panel.id === "chat" ? (
            props.chat
          ) : (
            <p className="muted small">{panel.label} is not available in this class yet.</p>
          )}
        </div>
      ))}
    </section>
  );
}
