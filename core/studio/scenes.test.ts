import { describe, expect, it } from "vitest";
import { applySceneEvent, BUILT_IN_SCENES, sceneEventsFor, scenesFrom, type Scene } from "./scenes";

const ids = (scenes: Scene[]) => scenes.map((s) => s.name);
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
const apply = (scenes: Scene[], action: Parameters<typeof sceneEventsFor>[1]) => {
  const events = sceneEventsFor(scenes, action, newId);
  if (typeof events === "string") throw new Error(events);
  return events.reduce(applySceneEvent, scenes);
};

describe("scenes", () => {
  it("start with the four built-in scenes, in order", () => {
    expect(ids(scenesFrom([]))).toEqual([
      "Camera",
      "Slides + camera",
      "Whiteboard",
      "Screen share",
    ]);
  });

  it("add at the end, rename, move and remove", () => {
    let scenes = scenesFrom([]);
    scenes = apply(scenes, { action: "create", name: "Quiz", layout: "whiteboard" });
    expect(ids(scenes).at(-1)).toBe("Quiz");
    scenes = apply(scenes, { action: "move", sceneId: scenes.at(-1)!.sceneId, direction: "up" });
    expect(ids(scenes).slice(-2)).toEqual(["Quiz", "Screen share"]);
    scenes = apply(scenes, { action: "rename", sceneId: scenes[0]!.sceneId, name: "Faces" });
    expect(scenes[0]!.name).toBe("Faces");
    scenes = apply(scenes, { action: "delete", sceneId: BUILT_IN_SCENES[1]!.sceneId });
    expect(ids(scenes)).toEqual(["Faces", "Whiteboard", "Quiz", "Screen share"]);
    // Moving the first up changes nothing.
    expect(
      sceneEventsFor(
        scenes,
        { action: "move", sceneId: scenes[0]!.sceneId, direction: "up" },
        newId,
      ),
    ).toEqual([]);
  });

  it("keep at least one scene and refuse unknown ones", () => {
    const one = [BUILT_IN_SCENES[0]!];
    expect(sceneEventsFor(one, { action: "delete", sceneId: one[0]!.sceneId }, newId)).toMatch(
      /at least one/,
    );
    expect(sceneEventsFor(one, { action: "rename", sceneId: newId(), name: "x" }, newId)).toMatch(
      /not in this class/,
    );
  });

  it("ignore events that do not fit (unknown layout, repeated id)", () => {
    const scenes = scenesFrom([
      {
        type: "scene.created",
        payload: { sceneId: newId(), name: "Odd", layout: "hologram", position: 9 },
      },
      { type: "scene.created", payload: { ...BUILT_IN_SCENES[0]!, name: "Again" } },
    ]);
    expect(ids(scenes)).toEqual(ids([...BUILT_IN_SCENES]));
  });
});
