import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBodySchema } from "../core/platform/errors";
import { appendSessionEvents } from "../core/log/sessionEvents";
import { isDatabaseUnavailable } from "../db/errors";
import { connect } from "./support/fixtures";
import { openStudio, tokenOf, startOwnCluster, type OwnCluster } from "./support/outage";
import { board, converged, expectLoggedOnce, syncClients, until } from "./support/syncClients";
import { startWebApp, type Browser, type TestApp } from "./support/webApp";

/*
 * The class's PostgreSQL goes away mid-class and comes back: a real cluster of
 * this file's own, stopped (fast shutdown) and started again on the same port
 * and data directory, under the real web + sync app, which is never restarted.
 */

let cluster: OwnCluster;
let app: TestApp;
let owner: ReturnType<typeof connect>;
let clients: ReturnType<typeof syncClients>;

beforeAll(async () => {
  cluster = await startOwnCluster("outage");
  app = await startWebApp(cluster.database.env);
  owner = connect(cluster.database.ownerUrl, 2);
  clients = syncClients(app, owner.pool);
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await cluster?.start();
  await app?.close();
  await owner?.close();
  await cluster?.destroy();
}, 60_000);

const chat = (who: Browser, sessionId: string, body: string) =>
  who.api(`/api/sessions/${sessionId}/chat`, {
    json: { body },
    headers: { "idempotency-key": `chat-${randomUUID()}` },
  });

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  const body = errorBodySchema.parse(await response.json());
  expect(body.error.code).toBe("unavailable");
}

describe("PostgreSQL stops mid-class and starts again", () => {
  it("pauses the class, answers 503 meanwhile, and resumes by itself with every change logged once", async () => {
    const { sessionId, tenantId, teacher, student, teacherId } = await clients.liveClass();
    const host = await openStudio(app.url, sessionId, tokenOf(teacher, sessionId));
    const pupil = await openStudio(app.url, sessionId, tokenOf(student, sessionId));
    for (let i = 0; i < 10; i += 1) board(host.doc).set(`before${i}`, { x: i });
    await converged([host, pupil], 10);
    // A token fetched just before the outage: this studio connects while the database is away.
    const early = (await (await teacher.api(`/api/sessions/${sessionId}/sync-token`)).json()) as {
      token: string;
    };

    // A connection checked out of the app's pool, as a transaction holds one between statements.
    const held = await app.database.pool.connect();

    await cluster.stop();
    // Its connection died under it: its next query fails as unavailable, the process goes on.
    await expect(held.query("select 1")).rejects.toSatisfy(isDatabaseUnavailable);
    held.release(true);

    // The teacher keeps drawing: the first change cannot be logged, and the class pauses.
    board(host.doc).set("during0", { x: 0 });
    await until(() => host.state === "paused", 15_000);
    expect(host.closes.some((c) => c.code === 4503)).toBe(true);
    for (let i = 1; i < 20; i += 1) {
      board(host.doc).set(`during${i}`, { x: i });
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(host.provider.hasUnsyncedChanges).toBe(true);
    expect(board(pupil.doc).get("during0")).toBeUndefined();

    // Commands and probes say the database is away, in their typed way.
    await expectUnavailable(await chat(teacher, sessionId, "while away"));
    await expectUnavailable(await student.api(`/api/sessions/${sessionId}/join`));
    await expectUnavailable(await teacher.api(`/api/sessions/${sessionId}/sync-token`));
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false });
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "failing" });

    // A studio opening now (its token still valid) is paused too, not refused.
    const late = openStudio(app.url, sessionId, async () => early.token, 60_000).then(
      (studio) => ({ studio }),
      (error: unknown) => ({ error }),
    );
    await new Promise((r) => setTimeout(r, 1_500));

    await cluster.start();
    // Committed before the process's LISTEN connection is back: only a catch-up finds it.
    await appendSessionEvents(owner.pool, {
      tenantId,
      sessionId,
      events: [
        {
          type: "chat.posted",
          payload: { messageId: randomUUID(), body: "back", audience: "everyone" },
          actorUserId: teacherId,
        },
      ],
    });

    // Nothing restarted: the studios resync by themselves and agree.
    const joined = await late;
    if ("error" in joined) throw joined.error;
    const third = joined.studio;
    await converged([host, pupil, third], 30);
    expect(host.states).toEqual(["live", "paused", "live"]);
    expect(pupil.states).toEqual(["live"]);
    expect(third.states).toEqual(["paused", "live"]);
    await expectLoggedOnce(owner.pool, sessionId, host.doc);
    await until(() =>
      pupil.pushed.some((m) =>
        m.events.some((e) => (e.payload as { body?: string }).body === "back"),
      ),
    );

    // Commands and probes work again.
    expect((await chat(teacher, sessionId, "after")).status).toBe(201);
    expect((await student.api(`/api/sessions/${sessionId}/join`)).status).toBe(200);
    await expect.poll(async () => (await fetch(`${app.url}/readyz`)).status).toBe(200);
    await until(() =>
      pupil.pushed.some((m) =>
        m.events.some((e) => (e.payload as { body?: string }).body === "after"),
      ),
    );
    for (const studio of [host, pupil, third]) studio.destroy();
  }, 120_000);
});
