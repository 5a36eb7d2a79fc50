import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { Hocuspocus } from "@hocuspocus/server";
import type pg from "pg";
import { WebSocketServer, type WebSocket } from "ws";
import * as Y from "yjs";
import { classWithPlace, inClass } from "../core/classPlace";
import { stateAt, writeCheckpoint } from "../core/docState";
import type { Logger } from "../core/logger";
import { can, type Actor } from "../core/permissions";
import { validateEvent } from "../core/sessionEvents";
import { verifySyncToken, type SyncClaims } from "../core/syncToken";
import type { Database } from "../db/client";
import { withTenant } from "../db/tenantContext";
import { Sequencer } from "./sequencer";
import { changesNothing, readUpdate } from "./updateRoots";

/**
 * The live studio's sync server (DESIGN.md section 6): one Y.Doc per class
 * (`session:<id>`), served by Hocuspocus over WebSocket at `/sync`.
 *
 * Every incoming update is checked and sequenced into the event log in
 * Hocuspocus's awaited `beforeSync` hook, before Hocuspocus applies,
 * acknowledges or broadcasts it. If the log refuses it, the connection closes
 * with `CLOSE.eventLogUnavailable`: nothing was applied, and the provider keeps
 * the change and re-sends it on reconnect.
 */

export const SYNC_PATH = "/sync";

/**
 * How the server ends a connection. A refused change closes the document with
 * the reason (the provider stops: re-sending would be refused again); an event
 * log that cannot be written closes the socket with 4503, and the provider
 * reconnects and re-sends.
 */
export const CLOSE = {
  eventLogUnavailable: { code: 4503, reason: "class paused: the event log is not writable" },
  forbidden: { code: 4403, reason: "this change is not allowed for you" },
} as const;

export interface SyncContext {
  claims: SyncClaims;
  powers: { draw: boolean; navigate: boolean; changeScene: boolean };
  /** The connection's WebSocket, to close it whole (see CLOSE). */
  socket: WebSocket;
}

export interface SyncDeps {
  db: Database;
  pool: pg.Pool;
  authSecret: string;
  log: Logger;
  /** Write a checkpoint after this many sequenced updates of a class (default 300). */
  checkpointEvery?: number;
}

export interface SyncServer {
  hocuspocus: Hocuspocus<SyncContext>;
  /** For an HTTP server's `upgrade` event: takes `/sync`, leaves anything else alone (false). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

const documentName = (sessionId: string) => `session:${sessionId}`;

export function createSyncServer(deps: SyncDeps): SyncServer {
  const every = deps.checkpointEvery ?? 300;
  // The school of each loaded class, for work after its last connection is gone.
  const tenants = new Map<string, string>();
  const sinceCheckpoint = new Map<string, number>();
  // Checkpoints being written, so closing waits for them before the pool goes.
  const writing = new Set<Promise<unknown>>();
  const checkpoint = (target: { tenantId: string; sessionId: string }) => {
    sinceCheckpoint.set(target.sessionId, 0);
    const write = writeCheckpoint(deps, target)
      .catch((error: unknown) =>
        deps.log.warn({ err: error, sessionId: target.sessionId }, "could not write a checkpoint"),
      )
      .finally(() => writing.delete(write));
    writing.add(write);
  };
  const sequencer = new Sequencer(deps.pool, (target, count) => {
    const pending = (sinceCheckpoint.get(target.sessionId) ?? 0) + count;
    if (pending >= every) checkpoint(target);
    else sinceCheckpoint.set(target.sessionId, pending);
  });
  const hocuspocus = new Hocuspocus<SyncContext>({
    quiet: true,
    async onAuthenticate({ token, documentName: name, connectionConfig }) {
      const claims = await verifySyncToken(deps.authSecret, token);
      if (!claims || name !== documentName(claims.sid)) throw new Error("invalid sync token");
      // Still a live class, and still the person's place in it (the token may be minutes old).
      const actor: Actor = { userId: claims.sub, tenantId: claims.tid, tenantRole: "student" };
      const { session, place } = await withTenant(deps.db, claims.tid, (tx) =>
        classWithPlace(tx, actor, claims.sid),
      );
      if (session.status !== "live" || !place) throw new Error("not a participant of a live class");
      const here = { tenantId: claims.tid, kind: "session" as const, sessionId: claims.sid };
      const me = inClass(actor, claims.sid, place);
      const powers = {
        draw: can(me, "board:draw", here),
        navigate: can(me, "slides:navigate", here),
        changeScene: can(me, "scene:change", here),
      };
      // Hocuspocus itself refuses (and does not apply) updates from read-only connections.
      connectionConfig.readOnly = !powers.draw && !powers.navigate && !powers.changeScene;
      tenants.set(claims.sid, claims.tid);
      return { claims: { ...claims, role: place.role, grants: place.grants }, powers };
    },

    async onLoadDocument({ document, context }) {
      // The document is its log: the latest checkpoint plus the updates after it.
      const { tid, sid } = context.claims;
      const { doc } = await stateAt(deps, { tenantId: tid, sessionId: sid }, "head");
      Y.applyUpdate(document, Y.encodeStateAsUpdate(doc), "event-log");
      return document;
    },

    async afterUnloadDocument({ documentName: name }) {
      const sessionId = name.slice("session:".length);
      const tenantId = tenants.get(sessionId);
      tenants.delete(sessionId);
      if (tenantId && (sinceCheckpoint.get(sessionId) ?? 0) > 0)
        checkpoint({ tenantId, sessionId });
      sinceCheckpoint.delete(sessionId);
    },

    async beforeSync({ type, payload, document, context, connection }) {
      // Sync step 1 carries a state vector, not a change.
      if (type === 0 || connection.readOnly) return;
      if (changesNothing(document, payload)) return;
      const events = classify(document, payload, context);
      // Checked here, one update at a time: a bad value must not fail others' batch.
      const valid = events?.every((event) => {
        try {
          validateEvent(event);
          return true;
        } catch {
          return false;
        }
      });
      if (!events || !valid) {
        throw Object.assign(new Error(CLOSE.forbidden.reason), CLOSE.forbidden);
      }
      try {
        await sequencer.append(
          { tenantId: context.claims.tid, sessionId: context.claims.sid },
          events.map((event, i) => ({
            ...event,
            actorUserId: context.claims.sub,
            // The update itself travels once, with the first of its events.
            yjsUpdate: i === 0 ? payload : null,
          })),
        );
      } catch (error) {
        deps.log.error(
          { err: error, sessionId: context.claims.sid },
          "could not sequence an update",
        );
        // Close the socket, not only this document: the provider then reconnects by
        // itself and re-sends what it still holds unsynced (state-vector sync).
        const { code, reason } = CLOSE.eventLogUnavailable;
        context.socket.close(code, reason);
        throw Object.assign(new Error(reason), CLOSE.eventLogUnavailable);
      }
    },
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  return {
    hocuspocus,
    handleUpgrade(request, socket, head) {
      const url = new URL(request.url ?? "/", "http://localhost");
      if (url.pathname !== SYNC_PATH) return false;
      wss.handleUpgrade(request, socket, head, (ws) => {
        const headers = new Headers();
        for (const [key, value] of Object.entries(request.headers)) {
          if (typeof value === "string") headers.set(key, value);
        }
        const connection = hocuspocus.handleConnection(
          ws,
          new Request(new URL(request.url ?? "/", `http://${request.headers.host}`), { headers }),
          { socket: ws } as Partial<SyncContext> as SyncContext,
        );
        ws.on("message", (data: Buffer) => connection.handleMessage(new Uint8Array(data)));
        ws.on("close", (code, reason) =>
          connection.handleClose({ code, reason: reason.toString() }),
        );
      });
      return true;
    },
    async close() {
      hocuspocus.closeConnections();
      wss.close();
      // Unloading is asynchronous; give documents a moment to unload and checkpoint.
      const deadline = Date.now() + 2_000;
      while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(writing);
    },
  };
}

type StudioEvent =
  | { type: "whiteboard.updated"; payload: { boardId: string; bytes: number } }
  | { type: "slide.changed"; payload: { deckId: string; page: number } }
  | { type: "scene.changed"; payload: { sceneId: string } };

/**
 * What an update does to the studio, as events for the log, or null when the
 * sender may not do it. The document's top-level types: `scene` (map: `current`
 * → scene id), `slides` (map: deck id → page) and one `board:<id>` map per
 * board. Anything else is refused.
 */
function classify(document: Y.Doc, update: Uint8Array, context: SyncContext): StudioEvent[] | null {
  const read = readUpdate(document, update);
  if (!read || read.roots.size === 0) return null;
  const { powers } = context;
  const events: StudioEvent[] = [];
  for (const root of read.roots) {
    if (root.startsWith("board:")) {
      if (!powers.draw) return null;
    } else if (root === "slides") {
      if (!powers.navigate) return null;
    } else if (root === "scene") {
      if (!powers.changeScene) return null;
    } else {
      return null;
    }
  }
  for (const entry of read.entries) {
    if (entry.root === "scene" && entry.key === "current" && typeof entry.value === "string") {
      events.push({ type: "scene.changed", payload: { sceneId: entry.value } });
    } else if (entry.root === "slides" && typeof entry.value === "number") {
      events.push({ type: "slide.changed", payload: { deckId: entry.key, page: entry.value } });
    }
  }
  const boards = [...read.roots].filter((root) => root.startsWith("board:"));
  if (boards.length > 0 || events.length === 0) {
    events.unshift({
      type: "whiteboard.updated",
      payload: { boardId: boards[0]?.slice("board:".length) || "main", bytes: update.byteLength },
    });
  }
  return events;
}
