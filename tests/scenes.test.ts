import { describe, expect, it } from "vitest";
import type { Scene } from "../core/studio/scenes";
import { eventTypes } from "./support/classFixtures";
import { classroomHarness } from "./support/syncClients";

const harness = classroomHarness();
const { owner } = harness;

describe("editing a class's scenes over HTTP (real Postgres)", () => {
  it("lets teachers add and reorder scenes, logged as events; students may not", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const edit = (who: typeof teacher, json: unknown) =>
      who.api(`/api/sessions/${sessionId}/scenes`, { json });
    const created = await edit(teacher, { action: "create", name: "Quiz", layout: "whiteboard" });
    expect(created.status).toBe(200);
    const { scenes } = (await created.json()) as { scenes: Scene[] };
    const quiz = scenes.at(-1)!;
    expect(quiz).toMatchObject({ name: "Quiz", layout: "whiteboard" });
    const moved = await edit(teacher, { action: "move", sceneId: quiz.sceneId, direction: "up" });
    const after = ((await moved.json()) as { scenes: Scene[] }).scenes.map((s) => s.name);
    expect(after.slice(-2)).toEqual(["Quiz", "Screen share"]);
    const types = await eventTypes(owner.pool, sessionId);
    expect(types.filter((t) => t.startsWith("scene."))).toEqual([
      "scene.created",
      "scene.updated",
      "scene.updated",
    ]);

    expect((await edit(student, { action: "create", name: "Mine", layout: "camera" })).status).toBe(
      403,
    );
    expect((await edit(teacher, { action: "create", name: "", layout: "camera" })).status).toBe(
      422,
    );
    expect((await edit(teacher, { action: "create", name: "X", layout: "hologram" })).status).toBe(
      422,
    );
    expect((await edit(teacher, { action: "fly" })).status).toBe(422);
    // A scene this class does not have is not found, like any foreign id, and logs nothing.
    const before = (await eventTypes(owner.pool, sessionId)).length;
    const foreign = {
      action: "rename",
      sceneId: "5ce9e000-0000-4000-8000-0000000000ff",
      name: "X",
    };
    expect((await edit(teacher, foreign)).status).toBe(404);
    expect((await eventTypes(owner.pool, sessionId)).length).toBe(before);
  });
});
