import { z } from "zod";

/*
 * The studio's scenes: what everyone's stage shows. Which one is current lives
 * in the class document (`scene.current`, logged as `scene.changed`); the list
 * itself is the fold of the class's `scene.created/updated/deleted` events over
 * the four every class starts with. Pure: the page folds new events as they come.
 */

export const LAYOUTS = ["camera", "slides", "whiteboard", "screen"] as const;
export const layoutSchema = z.enum(LAYOUTS);
export type Layout = z.infer<typeof layoutSchema>;

export const LAYOUT_NAMES: Record<Layout, string> = {
  camera: "Camera",
  slides: "Slides + camera",
  whiteboard: "Whiteboard + camera",
  screen: "Screen share",
};

export interface Scene {
  sceneId: string;
  name: string;
  layout: Layout;
  position: number;
}

/** Fixed ids, so the log and replay can name them in every class. */
export const BUILT_IN_SCENES: readonly Scene[] = [
  {
    sceneId: "5ce9e000-0000-4000-8000-000000000001",
    name: "Camera",
    layout: "camera",
    position: 0,
  },
  {
    sceneId: "5ce9e000-0000-4000-8000-000000000002",
    name: "Slides + camera",
    layout: "slides",
    position: 1,
  },
  {
    sceneId: "5ce9e000-0000-4000-8000-000000000003",
    name: "Whiteboard",
    layout: "whiteboard",
    position: 2,
  },
  {
    sceneId: "5ce9e000-0000-4000-8000-000000000004",
    name: "Screen share",
    layout: "screen",
    position: 3,
  },
];

export const SCENE_EVENTS = ["scene.created", "scene.updated", "scene.deleted"] as const;

/** One scene event applied to the list (others pass through unchanged); sorted by position. */
export function applySceneEvent(
  scenes: readonly Scene[],
  event: { type: string; payload: unknown },
): Scene[] {
  const p = event.payload as Partial<Scene> & { sceneId: string };
  let next = [...scenes];
  if (event.type === "scene.created") {
    const layout = layoutSchema.safeParse(p.layout);
    if (!layout.success || next.some((s) => s.sceneId === p.sceneId)) return next;
    next.push({ sceneId: p.sceneId, name: p.name!, layout: layout.data, position: p.position! });
  } else if (event.type === "scene.updated") {
    next = next.map((s) =>
      s.sceneId === p.sceneId
        ? {
            ...s,
            ...(p.name !== undefined ? { name: p.name } : {}),
            ...(layoutSchema.safeParse(p.layout).success ? { layout: p.layout as Layout } : {}),
            ...(p.position !== undefined ? { position: p.position } : {}),
          }
        : s,
    );
  } else if (event.type === "scene.deleted") {
    next = next.filter((s) => s.sceneId !== p.sceneId);
  }
  return next.sort((a, b) => a.position - b.position);
}

export function scenesFrom(events: readonly { type: string; payload: unknown }[]): Scene[] {
  return events.reduce<Scene[]>(applySceneEvent, [...BUILT_IN_SCENES]);
}

export const sceneActionSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("create"),
    name: z.string().trim().min(1, "Name the scene").max(100),
    layout: layoutSchema,
  }),
  z.object({
    action: z.literal("rename"),
    sceneId: z.uuid(),
    name: z.string().trim().min(1, "Name the scene").max(100),
  }),
  z.object({ action: z.literal("move"), sceneId: z.uuid(), direction: z.enum(["up", "down"]) }),
  z.object({ action: z.literal("delete"), sceneId: z.uuid() }),
]);
export type SceneAction = z.infer<typeof sceneActionSchema>;

/**
 * The events an action on the list becomes, or an error message. Positions stay
 * 0..n-1 in order: moving swaps two neighbours; the last scene cannot go.
 */
/** The refusal of a change naming a scene the class does not have (a 404, not a bad request). */
export const SCENE_NOT_FOUND = "That scene is not in this class.";

export function sceneEventsFor(
  scenes: readonly Scene[],
  action: SceneAction,
  newId: () => string,
): { type: (typeof SCENE_EVENTS)[number]; payload: object }[] | string {
  if (action.action === "create") {
    if (scenes.length >= 20) return "A class can have at most 20 scenes.";
    const position = Math.max(-1, ...scenes.map((s) => s.position)) + 1;
    return [
      {
        type: "scene.created",
        payload: { sceneId: newId(), name: action.name, layout: action.layout, position },
      },
    ];
  }
  const index = scenes.findIndex((s) => s.sceneId === action.sceneId);
  if (index < 0) return SCENE_NOT_FOUND;
  const scene = scenes[index]!;
  switch (action.action) {
    case "rename":
      return [{ type: "scene.updated", payload: { sceneId: scene.sceneId, name: action.name } }];
    case "delete":
      if (scenes.length === 1) return "A class keeps at least one scene.";
      return [{ type: "scene.deleted", payload: { sceneId: scene.sceneId } }];
    case "move": {
      const other = scenes[action.direction === "up" ? index - 1 : index + 1];
      if (!other) return [];
      return [
        { type: "scene.updated", payload: { sceneId: scene.sceneId, position: other.position } },
        { type: "scene.updated", payload: { sceneId: other.sceneId, position: scene.position } },
      ];
    }
  }
}
