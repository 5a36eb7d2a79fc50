import { bigint, index, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns";
import { sessions } from "./classroom";
import { users } from "./identity";
import { tenantId } from "./tenantColumn";

export const sceneLayouts = [
  "camera",
  "slides_camera",
  "slides",
  "whiteboard",
  "screen_share",
  "cta",
] as const;

export const studioScenes = pgTable(
  "studio_scenes",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    layout: text("layout", { enum: sceneLayouts }).notNull(),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("studio_scenes_session_idx").on(t.sessionId, t.position)],
);

/** Slide decks and images; the bytes live in Storage under `storage_key`. */
export const studioAssets = pgTable(
  "studio_assets",
  {
    id: id(),
    tenantId: tenantId(),
    sessionId: uuid("session_id").references(() => sessions.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["deck", "image"] }).notNull(),
    storageKey: text("storage_key").notNull().unique(),
    originalName: text("original_name").notNull(),
    mime: text("mime").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    pages: integer("pages"),
    checksum: text("checksum").notNull(),
    uploadedBy: uuid("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("studio_assets_session_idx").on(t.sessionId)],
);
