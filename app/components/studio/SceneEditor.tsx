import { useState } from "react";
import {
  LAYOUT_NAMES,
  LAYOUTS,
  type Layout,
  type Scene,
  type SceneAction,
} from "../../../core/studio/scenes";
import { callApi } from "../classroom/api";

/** Hosts and co-teachers add, rename, reorder and remove the class's scenes. */
export function SceneEditor(props: {
  sessionId: string;
  scenes: Scene[];
  onScenes: (scenes: Scene[]) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState("");
  const [layout, setLayout] = useState<Layout>("whiteboard");

  const send = async (action: SceneAction) => {
    setBusy(true);
    setError(null);
    try {
      const { scenes } = await callApi<{ scenes: Scene[] }>(
        `/api/sessions/${props.sessionId}/scenes`,
        { json: action },
      );
      props.onScenes(scenes);
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="scene-editor" aria-label="Edit scenes" role="group">
      <ol className="scene-list">
        {props.scenes.map((scene, i) => (
          <li key={scene.sceneId}>
            <input
              className="input"
              aria-label={`Name of scene ${i + 1}`}
              defaultValue={scene.name}
              maxLength={100}
              onBlur={(e) => {
                const value = e.target.value.trim();
                if (value && value !== scene.name) {
                  void send({ action: "rename", sceneId: scene.sceneId, name: value });
                }
              }}
              onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
            />
            <span className="muted small">{LAYOUT_NAMES[scene.layout]}</span>
            <button
              type="button"
              className="tool"
              aria-label={`Move ${scene.name} up`}
              disabled={busy || i === 0}
              onClick={() => void send({ action: "move", sceneId: scene.sceneId, direction: "up" })}
            >
              ↑
            </button>
            <button
              type="button"
              className="tool"
              aria-label={`Move ${scene.name} down`}
              disabled={busy || i === props.scenes.length - 1}
              onClick={() =>
                void send({ action: "move", sceneId: scene.sceneId, direction: "down" })
              }
            >
              ↓
            </button>
            <button
              type="button"
              className="tool text"
              aria-label={`Remove ${scene.name}`}
              disabled={busy || props.scenes.length === 1}
              onClick={() => void send({ action: "delete", sceneId: scene.sceneId })}
            >
              Remove
            </button>
          </li>
        ))}
      </ol>
      <form
        className="scene-add"
        onSubmit={(e) => {
          e.preventDefault();
          void send({ action: "create", name, layout }).then((ok) => ok && setName(""));
        }}
      >
        <input
          className="input"
          aria-label="New scene name"
          placeholder="New scene, e.g. Quiz time"
          value={name}
          maxLength={100}
          required
          onChange={(e) => setName(e.target.value)}
        />
        <select
          className="input"
          aria-label="Layout"
          value={layout}
          onChange={(e) => setLayout(e.target.value as Layout)}
        >
          {LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {LAYOUT_NAMES[l]}
            </option>
          ))}
        </select>
        <button className="button" type="submit" disabled={busy}>
          Add scene
        </button>
      </form>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
