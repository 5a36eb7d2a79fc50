import { useState, type ReactNode } from "react";
import type { Scene } from "../../../core/studio/scenes";
import { CLOSE } from "../../../sync-server/closeCodes";
import { SceneEditor } from "./SceneEditor";
import { Slides, type DeckInfo } from "./Slides";
import { useMap, type Studio as StudioConnection } from "./useStudio";
import { Whiteboard } from "./Whiteboard";

interface Props {
  sessionId: string;
  studio: StudioConnection;
  scenes: Scene[];
  onScenes: (scenes: Scene[]) => void;
  decks: DeckInfo[];
  onDeckAdded: (deck: DeckInfo) => void;
  can: {
    draw: boolean;
    present: boolean;
    changeScene: boolean;
    manageScenes: boolean;
    clear: boolean;
  };
  me: { id: string; name: string; color: string };
  /** The camera/screen stage (LiveKit), shown big or as a strip depending on the scene. */
  media: ReactNode;
}

/**
 * The live stage: the current scene decides the layout (camera, slides with
 * camera, whiteboard, screen share), for everyone at once. Presenters switch
 * scenes; while the studio is not connected, the last state stays on screen
 * read-only with a banner, and edits resume when it reconnects.
 */
export function Studio(props: Props) {
  const { studio, can } = props;
  const scenes = props.scenes;
  const sceneMap = useMap<string>(studio.doc, "scene");
  const current = scenes.find((s) => s.sceneId === sceneMap.get("current")) ?? scenes[0]!;
  const [editing, setEditing] = useState(false);
  const connected = studio.state === "live";

  const switchTo = (scene: Scene) => {
    if (!connected || scene.sceneId === current.sceneId) return;
    studio.doc.transact(() => sceneMap.set("current", scene.sceneId));
  };

  const board = (
    <Whiteboard
      doc={studio.doc}
      provider={studio.provider}
      boardId="main"
      editable={can.draw && connected}
      canClear={can.clear}
      me={props.me}
      label="Whiteboard"
    />
  );
  const slides = (
    <Slides
      sessionId={props.sessionId}
      doc={studio.doc}
      provider={studio.provider}
      decks={props.decks}
      canPresent={can.present}
      connected={connected}
      canDraw={can.draw}
      canClear={can.clear}
      me={props.me}
      onDeckAdded={props.onDeckAdded}
    />
  );

  return (
    <div className={`studio layout-${current.layout}`} data-scene={current.layout}>
      <SyncBanner studio={studio} />
      <nav className="scene-bar" aria-label="Scenes">
        {can.changeScene ? (
          <div role="radiogroup" aria-label="Scene for everyone" className="scene-buttons">
            {scenes.map((scene) => (
              <button
                key={scene.sceneId}
                type="button"
                role="radio"
                aria-checked={scene.sceneId === current.sceneId}
                className="scene-button"
                disabled={!connected}
                onClick={() => switchTo(scene)}
              >
                {scene.name}
              </button>
            ))}
          </div>
        ) : (
          <p className="muted small" role="status">
            Scene: <strong>{current.name}</strong>
          </p>
        )}
        {can.manageScenes ? (
          <button
            type="button"
            className="scene-button"
            aria-expanded={editing}
            onClick={() => setEditing((e) => !e)}
          >
            {editing ? "Done" : "Edit scenes"}
          </button>
        ) : null}
      </nav>
      {editing ? (
        <SceneEditor sessionId={props.sessionId} scenes={scenes} onScenes={props.onScenes} />
      ) : null}
      {current.layout === "camera" || current.layout === "screen" ? (
        <div className="studio-main">{props.media}</div>
      ) : (
        <div className="studio-split">
          <div className="studio-main">{current.layout === "slides" ? slides : board}</div>
          <div className="studio-strip">{props.media}</div>
        </div>
      )}
    </div>
  );
}

function SyncBanner({ studio }: { studio: StudioConnection }) {
  return (
    <>
      {studio.notice ? (
        <p className="banner warn" role="alert">
          {studio.notice}{" "}
          <button type="button" className="button secondary" onClick={studio.dismissNotice}>
            OK
          </button>
        </p>
      ) : null}
      <ConnectionBanner studio={studio} />
    </>
  );
}

function ConnectionBanner({ studio }: { studio: StudioConnection }) {
  switch (studio.state) {
    case "connecting":
      return (
        <p className="banner" role="status">
          Connecting to the studio…
        </p>
      );
    case "paused":
      return (
        <p className="banner warn" role="status">
          Class paused — reconnecting. Your changes are kept and will be sent.
        </p>
      );
    case "slowed":
      return (
        <p className="banner warn" role="status">
          You're sending changes too fast; reconnecting… Your changes are kept and will be sent.
        </p>
      );
    case "offline":
      return (
        <p className="banner warn" role="status">
          Studio connection lost — showing the last known state, read-only. Reconnecting…
        </p>
      );
    case "closed":
      return (
        <p className="banner bad" role="alert">
          {studio.reason ?? "The studio closed."}{" "}
          {studio.reason === CLOSE.forbidden.reason ? (
            <button type="button" className="button secondary" onClick={studio.reload}>
              Reload the studio
            </button>
          ) : null}
        </p>
      );
    default:
      return null;
  }
}
