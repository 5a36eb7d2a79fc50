/**
 * The studio's scenes: what everyone's stage shows. The current one is the
 * `scene` map's `current` key in the class document (a `scene.changed` event
 * in the log). These four come with every class; their ids are fixed so the
 * log and replay can name them.
 */
export const LAYOUTS = ["camera", "slides", "whiteboard", "screen"] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface Scene {
  id: string;
  name: string;
  layout: Layout;
}

export const BUILT_IN_SCENES: Scene[] = [
  { id: "5ce9e000-0000-4000-8000-000000000001", name: "Camera", layout: "camera" },
  { id: "5ce9e000-0000-4000-8000-000000000002", name: "Slides + camera", layout: "slides" },
  { id: "5ce9e000-0000-4000-8000-000000000003", name: "Whiteboard", layout: "whiteboard" },
  { id: "5ce9e000-0000-4000-8000-000000000004", name: "Screen share", layout: "screen" },
];
