import { useState, type ReactNode } from "react";

export interface Panel {
  id: string;
  label: string;
  content: ReactNode;
}

/** The class's interaction panels (chat, Q&A, polls, cards) as keyboard-friendly tabs. */
export function SidePanels({ panels }: { panels: Panel[] }) {
  const [current, setCurrent] = useState(panels[0]?.id);
  return (
    <section className="class-panel">
      <div role="tablist" aria-label="Class panels" className="panel-tabs">
        {panels.map((panel) => (
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
              const index = panels.findIndex((p) => p.id === current);
              const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
              if (!step) return;
              const next = panels[(index + step + panels.length) % panels.length]!;
              setCurrent(next.id);
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
          >
            {panel.label}
          </button>
        ))}
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
