import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { Redis } from "@hocuspocus/extension-redis";
import { Hocuspocus, OutgoingMessage, type Connection, type Document } from "@hocuspocus/server";
import type pg from "pg";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import type { ClassEvent, ClassEventHub } from "../core/log/classEvents";
import { stateAt, writeCheckpoint } from "../core/studio/docState";
import type { Logger } from "../core/platform/logger";
import { verifySyncToken } from "../core/studio/syncToken";
import type { Database } from "../db/client";
import { isDatabaseUnavailable } from "../db/errors";
import { admit, NotAdmittedError, readOnly, type Access } from "./access";
import { createClassPush } from "./classPush";
import { classify } from "./classify";
import { CLOSE, type CloseEvent } from "./closeCodes";
import { DocumentSizes } from "./documentSize";
import { DEFAULT_LIMITS, type SyncLimits } from "./limits";
import { Sequencer } from "./sequencer";
import { changesNothing, standing } from "./updateRoots";
import { createWire } from "./wire";
import type { SyncContext } from "./context";

/**
 * The live studio's sync server (DESIGN.md section 6): one Y.Doc per class
 * (`session:<id>`), served by Hocuspocus over WebSocket at `/sync`.
 *
 * Every incoming update is checked and sequenced into the event log in
 * Hocuspocus's awaited `beforeSync` hook, before Hocuspocus applies,
 * acknowledges or broadcasts it. If the log refuses it, the connection closes
 * with `CLOSE.eventLogUnavailable`: nothing was applied, and the provider keeps
 * the change and re-sends it on reconnect. What reaches the hooks has passed
 * the wire (`wire.ts`): socket errors, frame and message sizes, sending budget.
 */

export const SYNC_PATH = "/sync";

/** How the server ends a connection (`closeCodes.ts`, shared with the studio). */
export { CLOSE };

export type { SyncContext };

export interface SyncDeps {
  db: Database;
  pool: pg.Pool;
  authSecret: string;
  log: Logger;
  /** The process's live feed of class events, for pushes and for enforcing leaves and grants. */
  classEvents: ClassEventHub;
  /** Write a checkpoint after this many sequenced updates of a class (default 300). */
  checkpointEvery?: number;
  /** How long past its token's expiry a connection may wait for a fresh one (default 30 s). */
  tokenGraceMs?: number;
  /** Share documents with other sync servers through Redis (optional). */
  redisUrl?: string;
  /** Sizes and sending budget (SYNC_MAX_*, SYNC_RATE_*); any left out take the defaults. */
  limits?: Partial<SyncLimits>;
}

export interface SyncServer {
  hocuspocus: Hocuspocus<SyncContext>;
  /** For an HTTP server's `upgrade` event: takes `/sync`, leaves anything else alone (false). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

const documentName = (sessionId: string) => `session:${sessionId}`;
const sessionOf = (name: string) => name.slice("session:".length);

export function createSyncServer(deps: SyncDeps): SyncServer {
  const every = deps.checkpointEvery ?? 300;
  const limits: SyncLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const sizes = new DocumentSizes(limits.maxDocumentBytes);
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
  const push = createClassPush(deps.classEvents, deps.pool, deps.log);
  const tokens = tokenRefresher(deps.tokenGraceMs ?? 30_000);

  /** Re-read a person's place after the log says it changed; close them if it is gone. */
  const reAdmit = async (connection: Connection<SyncContext>) => {
    try {
      apply(connection, await admit(deps.db, connection.context.claims));
    } catch (error) {
      if (error instanceof NotAdmittedError) connection.close(CLOSE.left);
      else deps.log.warn({ err: error }, "could not re-check a sync connection");
    }
  };
  const enforce = (document: Document, events: ClassEvent[]) => {
    const connections = () => document.getConnections() as Connection<SyncContext>[];
    // Ending a class also records everyone leaving; say it ended, not that they left.
    if (events.some((event) => event.type === "session.ended")) {
      for (const connection of connections()) connection.close(CLOSE.ended);
      return;
    }
    for (const event of events) {
      const subject = (event.payload as { userId?: string } | null)?.userId;
      const theirs = connections().filter((c) => c.context.claims.sub === subject);
      if (event.type === "participant.left") {
        for (const connection of theirs) connection.close(CLOSE.left);
      } else if (
        event.type === "participant.grant_changed" ||
        event.type === "participant.role_changed"
      ) {
        for (const connection of theirs) void reAdmit(connection);
      }
    }
  };

  const hocuspocus = new Hocuspocus<SyncContext>({
    quiet: true,
    // Updates from other servers arrive through Redis without a connection, so
    // beforeSync does not run for them: the server their sender is on sequenced them.
    extensions: deps.redisUrl ? [redisExtension(deps.redisUrl)] : [],
    async onAuthenticate({ token, documentName: name, connectionConfig, context }) {
      const verified = await verifySyncToken(deps.authSecret, token);
      if (!verified || name !== documentName(verified.sid)) throw new Error("invalid sync token");
      // Still a live class, and still the person's place in it (the token may be minutes old).
      const { expiresAt, ...claims } = verified;
      const access = await admit(deps.db, claims).catch(pauseIfUnavailable(context.socket));
      connectionConfig.readOnly = readOnly(access.powers);
      tenants.set(claims.sid, claims.tid);
      return { ...access, expiresAt };
    },

    async connected({ connection, context }) {
      const { expiresAt } = context as SyncContext & { expiresAt: Date };
      tokens.schedule(connection, expiresAt);
      connection.onClose(() => tokens.forget(connection));
    },

    async onTokenSync({ token, connection }) {
      // The provider answered our request for a fresh token: same person, same class.
      const verified = await verifySyncToken(deps.authSecret, token);
      const { claims } = connection.context;
      if (!verified || verified.sub !== claims.sub || verified.sid !== claims.sid) {
        throw Object.assign(new Error(CLOSE.tokenExpired.reason), CLOSE.tokenExpired);
      }
      const { expiresAt, ...fresh } = verified;
      apply(
        connection,
        await admit(deps.db, fresh).catch(pauseIfUnavailable(connection.context.socket)),
      );
      tokens.schedule(connection, expiresAt);
    },

    async onLoadDocument({ document, context }) {
      // The document is its log: the latest checkpoint plus the updates after it.
      const { tid, sid } = context.claims;
      const { doc } = await stateAt(deps, { tenantId: tid, sessionId: sid }, "head").catch(
        pauseIfUnavailable(context.socket),
      );
      sizes.track(document);
      Y.applyUpdate(document, Y.encodeStateAsUpdate(doc), "event-log");
      return document;
    },

    async afterLoadDocument({ document, context }) {
      const target = { tenantId: context.claims.tid, sessionId: context.claims.sid };
      await push.watch(document, target, (events) => enforce(document, events));
    },

    async afterUnloadDocument({ documentName: name }) {
      push.unwatch(name);
      const sessionId = sessionOf(name);
      const tenantId = tenants.get(sessionId);
      tenants.delete(sessionId);
      if (tenantId && (sinceCheckpoint.get(sessionId) ?? 0) > 0)
        checkpoint({ tenantId, sessionId });
      sinceCheckpoint.delete(sessionId);
    },

    async beforeSync({ type, payload, document, context, connection }) {
      // Back to what the person may do, after an update held back (below).
      connection.readOnly = readOnly(context.powers);
      // Sync step 1 carries a state vector, not a change.
      if (type === 0) return;
      if (payload.byteLength > limits.maxUpdateBytes) refuse(context, CLOSE.tooLarge);
      if (connection.readOnly) return;
      const known = standing(document, payload);
      if (changesNothing(document, payload, known)) return;
      if (known.missesEarlier) {
        holdBack(connection, document);
        return;
      }
      const events = classify(document, payload, context.powers);
      if (!events) throw Object.assign(new Error(CLOSE.forbidden.reason), CLOSE.forbidden);
      // Only what the document lacks: a client re-sending after a reconnect may
      // include changes the log already holds, and those must not be logged twice.
      const fresh = known.someKnown
        ? Y.diffUpdate(payload, Y.encodeStateVector(document))
        : payload;
      if (!sizes.fits(document, fresh.byteLength)) refuse(context, CLOSE.documentFull);
      try {
        await sequencer.append(
          { tenantId: context.claims.tid, sessionId: context.claims.sid },
          events.map((event, i) => ({
            ...event,
            actorUserId: context.claims.sub,
            // The update itself travels once, with the first of its events.
            yjsUpdate: i === 0 ? fresh : null,
          })),
        );
        // A catch-up carries what was held back: it is durable now.
        acknowledgeHeldBack(connection);
      } catch (error) {
        deps.log.error(
          { err: error, sessionId: context.claims.sid },
          "could not sequence an update",
        );
        // Close the socket, not only this document: the provider then reconnects by
        // itself and re-sends what it still holds unsynced (state-vector sync).
        refuse(context, CLOSE.eventLogUnavailable);
      }
    },
  });

  const wire = createWire({ path: SYNC_PATH, limits, log: deps.log }, (ws, request, url) => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(request.headers)) {
      if (typeof value === "string") headers.set(key, value);
    }
    // Parsed against a fixed base: a client's Host header may not even parse.
    const connection = hocuspocus.handleConnection(ws, new Request(url, { headers }), {
      socket: ws,
    } as Partial<SyncContext> as SyncContext);
    return {
      message: (data) => connection.handleMessage(data),
      closed: (event) => connection.handleClose(event),
    };
  });
  return {
    hocuspocus,
    handleUpgrade: (request, socket, head) => wire.handleUpgrade(request, socket, head),
    async close() {
      hocuspocus.closeConnections();
      await wire.close();
      // Unloading is asynchronous; give documents a moment to unload and checkpoint.
      const deadline = Date.now() + 2_000;
      while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await Promise.all(writing);
      // Extensions' own connections (Redis).
      await hocuspocus.hooks("onDestroy", { instance: hocuspocus });
    },
  };
}

function redisExtension(url: string): Redis {
  const { hostname, port, password, pathname, protocol } = new URL(url);
  return new Redis({
    host: hostname,
    port: Number(port || 6379),
    prefix: "lectern-sync",
    options: {
      password: password ? decodeURIComponent(password) : undefined,
      db: Number(pathname.slice(1) || 0),
      tls: protocol === "rediss:" ? {} : undefined,
    },
  });
}

/**
 * A database that is away while a connection is admitted or its document loaded
 * pauses the connection as a failed append does (the socket closes with 4503,
 * and the provider reconnects until it is back) instead of refusing it, which
 * would stop the provider for good. Other errors go on as they were.
 */
function pauseIfUnavailable(socket: WebSocket) {
  return (error: unknown): never => {
    if (isDatabaseUnavailable(error)) {
      socket.close(CLOSE.eventLogUnavailable.code, CLOSE.eventLogUnavailable.reason);
    }
    throw error;
  };
}

/**
 * Refuse the message being handled: nothing of it is applied, acknowledged or
 * logged (Hocuspocus drops a message whose beforeSync throws), and the socket
 * closes with `close`. Closing the socket, not only the document, reaches the
 * provider as that code (1009, 4503), which is what the studio acts on.
 */
function refuse(context: SyncContext, close: CloseEvent): never {
  context.socket.close(close.code, close.reason);
  throw Object.assign(new Error(close.reason), close);
}

const heldBack = new WeakMap<Connection<SyncContext>, number>();

/**
 * Not apply (nor log) an update whose earlier changes have not arrived: marked
 * read-only for this one message, Hocuspocus drops it and tells the provider
 * it was not saved, and the provider still holds it. We ask for a catch-up
 * (our state vector); the provider's answer carries the held-back changes.
 */
function holdBack(connection: Connection<SyncContext>, document: Document) {
  const count = heldBack.get(connection) ?? 0;
  heldBack.set(connection, count + 1);
  connection.readOnly = true;
  setImmediate(() => (connection.readOnly = readOnly(connection.context.powers)));
  if (count === 0) {
    const ask = new OutgoingMessage(connection.messageAddress)
      .createSyncMessage()
      .writeFirstSyncStepFor(document);
    connection.send(ask.toUint8Array());
  }
}

/** The provider counts unsaved changes: settle the held-back ones once their catch-up is logged. */
function acknowledgeHeldBack(connection: Connection<SyncContext>) {
  const count = heldBack.get(connection) ?? 0;
  heldBack.delete(connection);
  for (let i = 0; i < count; i += 1) {
    connection.send(
      new OutgoingMessage(connection.messageAddress).writeSyncStatus(true).toUint8Array(),
    );
  }
}

/** New access for an open connection: its context (the object hooks see) and read-only flag. */
function apply(connection: Connection<SyncContext>, access: Access) {
  Object.assign(connection.context, access);
  connection.readOnly = readOnly(access.powers);
}

/**
 * Tokens are short-lived; a connection outlives them by asking its provider for
 * a fresh one (Hocuspocus's token sync) a little before expiry, without
 * reconnecting. One that has not answered by expiry plus the grace is closed.
 */
function tokenRefresher(graceMs: number) {
  const timers = new Map<
    Connection<SyncContext>,
    { expiresAt: number; timers: NodeJS.Timeout[] }
  >();
  const forget = (connection: Connection<SyncContext>) => {
    for (const timer of timers.get(connection)?.timers ?? []) clearTimeout(timer);
    timers.delete(connection);
  };
  return {
    forget,
    schedule(connection: Connection<SyncContext>, expiresAt: Date) {
      // A token no newer than the one we hold changes nothing (and must not make us ask again at once).
      if (expiresAt.getTime() <= (timers.get(connection)?.expiresAt ?? 0)) return;
      forget(connection);
      const left = expiresAt.getTime() - Date.now();
      const ask = setTimeout(
        () => connection.requestToken(),
        Math.max(0, left - Math.min(60_000, left / 3)),
      );
      // The whole socket: the provider reconnects and asks its token function afresh.
      const expire = setTimeout(
        () => connection.context.socket.close(CLOSE.tokenExpired.code, CLOSE.tokenExpired.reason),
        Math.max(0, left + graceMs),
      );
      ask.unref();
      expire.unref();
      timers.set(connection, { expiresAt: expiresAt.getTime(), timers: [ask, expire] });
    },
  };
}
