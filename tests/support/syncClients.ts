import { HocuspocusProvider } from "@hocuspocus/provider";
import type pg from "pg";
import { afterAll, beforeAll, expect, inject } from "vitest";
import * as Y from "yjs";
import type { PushedEvents } from "../../sync-server/classPush";
import { DEMO_PASSWORD } from "../../db/seed";
import { scheduleDemoClass } from "./classFixtures";
import { connect } from "./fixtures";
import { Browser, startWebApp, type TestApp } from "./webApp";

/** Real `@hocuspocus/provider` clients of Lectern's sync server, as a page would be. */
export function syncClients(app: TestApp, owner: pg.Pool) {
  const providers: HocuspocusProvider[] = [];

  async function as(who: string) {
    const browser = new Browser(app.url);
    await browser.signIn(`${who}@demo.lectern.test`, DEMO_PASSWORD);
    return browser;
  }

  /** A live class with the teacher and enrolled students (student1 by default) in it. */
  async function liveClass(names: string[] = ["student1"]) {
    const setup = await scheduleDemoClass(app.database, owner, names);
    const [teacher, ...students] = await Promise.all([as("teacher"), ...names.map(as)]);
    await teacher!.api(`/api/sessions/${setup.sessionId}/start`);
    await teacher!.api(`/api/sessions/${setup.sessionId}/join`);
    for (const student of students) await student.api(`/api/sessions/${setup.sessionId}/join`);
    return {
      ...setup,
      teacher: teacher!,
      student: students[0]!,
      students,
      teacherId: setup.id("teacher"),
      studentId: setup.id(names[0]!),
    };
  }

  async function syncToken(browser: Browser, sessionId: string) {
    const response = await browser.api(`/api/sessions/${sessionId}/sync-token`);
    expect(response.status).toBe(200);
    return (await response.json()) as { token: string; document: string };
  }

  /**
   * A provider connected with a token from the web app, asked afresh on every
   * (re)connect and refresh, or from `options.token`. `options.server` is the
   * sync server's base URL (default: the web app's, as with ROLE=all).
   */
  async function open(
    browser: Browser,
    sessionId: string,
    options: { token?: () => Promise<string>; server?: string } = {},
  ) {
    const { document } = await syncToken(browser, sessionId);
    const doc = new Y.Doc();
    const closes: { code: number; reason: string }[] = [];
    const pushed: PushedEvents[] = [];
    const provider = new HocuspocusProvider({
      url: `${(options.server ?? app.url).replace("http", "ws")}/sync`,
      name: document,
      document: doc,
      token: options.token ?? (async () => (await syncToken(browser, sessionId)).token),
      onClose: ({ event }) => closes.push({ code: event.code, reason: event.reason }),
      onStateless: ({ payload }) => pushed.push(JSON.parse(payload) as PushedEvents),
    });
    providers.push(provider);
    await until(() => provider.isSynced);
    return { doc, provider, closes, pushed };
  }

  return {
    as,
    liveClass,
    syncToken,
    open,
    destroy: () => providers.forEach((provider) => provider.destroy()),
  };
}

export async function until(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const board = (doc: Y.Doc) => doc.getMap<unknown>("board:main");

/** Every logged Yjs update of a class, in sequence order. */
export async function loggedUpdates(owner: pg.Pool, sessionId: string): Promise<Uint8Array[]> {
  const { rows } = await owner.query<{ yjs_update: Buffer }>(
    `select yjs_update from session_state_events
      where session_id = $1 and yjs_update is not null order by sequence`,
    [sessionId],
  );
  return rows.map((row) => new Uint8Array(row.yjs_update));
}

/**
 * How many Yjs items the log holds in all, against how many the document has:
 * equal when no change was logged twice (items are only added in these tests).
 */
export function itemCounts(updates: Uint8Array[], doc: Y.Doc) {
  const logged = updates
    .flatMap((update) => Y.decodeUpdate(update).structs)
    .filter((struct) => !(struct instanceof Y.Skip))
    .reduce((sum, struct) => sum + struct.length, 0);
  const inDoc = [...Y.decodeStateVector(Y.encodeStateVector(doc)).values()].reduce(
    (sum, clock) => sum + clock,
    0,
  );
  return { logged, inDoc };
}

/** The document the log rebuilds, applied to a fresh Y.Doc. */
export function replay(updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

/**
 * One test file's classroom: the web app (with the sync server on its port)
 * started before its tests and closed after, an owner connection, and clients.
 */
export function classroomHarness(options: Parameters<typeof startWebApp>[1] = {}) {
  const owner = connect(inject("ownerDatabaseUrl"), 2);
  let app: TestApp | undefined;
  let clients: ReturnType<typeof syncClients> | undefined;
  beforeAll(async () => {
    app = await startWebApp({}, options);
    clients = syncClients(app, owner.pool);
  });
  afterAll(async () => {
    clients?.destroy();
    await app?.close();
    await owner.close();
  });
  return {
    owner,
    get app() {
      return app!;
    },
    get sync() {
      return clients!;
    },
  };
}

/** Wait until every client has all `shapes` and nothing unsynced; they must agree. */
export async function converged(
  clients: { doc: Y.Doc; provider: HocuspocusProvider }[],
  shapes: number,
) {
  await until(
    () =>
      clients.every(
        ({ doc, provider }) => board(doc).size === shapes && !provider.hasUnsyncedChanges,
      ),
    30_000,
  );
  for (const { doc } of clients.slice(1)) {
    expect(board(doc).toJSON()).toEqual(board(clients[0]!.doc).toJSON());
  }
}

/**
 * The log holds each change once (as many items as the document, no more), and
 * replaying it gives the document byte for byte. Returns the logged updates.
 */
export async function expectLoggedOnce(owner: pg.Pool, sessionId: string, doc: Y.Doc) {
  const updates = await loggedUpdates(owner, sessionId);
  const counts = itemCounts(updates, doc);
  expect(counts.logged).toBe(counts.inDoc);
  expect(Y.encodeStateAsUpdate(replay(updates))).toEqual(Y.encodeStateAsUpdate(doc));
  return updates;
}
