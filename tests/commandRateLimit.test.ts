import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { errorBodySchema } from "../core/platform/errors";
import type { Poll } from "../core/interaction/polls";
import { eventTypes } from "./support/classFixtures";
import { connect } from "./support/fixtures";
import { syncClients } from "./support/syncClients";
import { startWebApp, type Browser, type TestApp } from "./support/webApp";

/*
 * Issue 12, item 3 (HTTP): a person who repeats a class command faster than
 * COMMAND_RATE_PER_SECOND, past a burst of COMMAND_RATE_BURST, gets a typed
 * 429 with Retry-After; nobody else is slowed down. A low limit here (5, then
 * one every two seconds) keeps the test short.
 */

const owner = connect(inject("ownerDatabaseUrl"), 2);
let app: TestApp;
let clients: ReturnType<typeof syncClients>;
beforeAll(async () => {
  app = await startWebApp({ COMMAND_RATE_PER_SECOND: "0.5", COMMAND_RATE_BURST: "5" });
  clients = syncClients(app, owner.pool);
});
afterAll(async () => {
  clients.destroy();
  await app.close();
  await owner.close();
});

const BURST = 5;

function commands(sessionId: string) {
  const post = (who: Browser, path: string, json: unknown) =>
    who.api(`/api/sessions/${sessionId}${path}`, {
      json,
      headers: { "idempotency-key": `test-${randomUUID()}` },
    });
  return {
    chat: (who: Browser) => post(who, "/chat", { body: "again" }),
    ask: (who: Browser) => post(who, "/questions", { body: "and again?" }),
    hand: (who: Browser) => post(who, "/hands", { action: "raise" }),
    vote: (who: Browser, poll: Poll) =>
      post(who, `/polls/${poll.pollId}/votes`, { optionIds: [poll.options[0]!.optionId] }),
    poll: (who: Browser) =>
      post(who, "/polls", {
        prompt: "Again?",
        open: true,
        allowChange: true,
        options: [{ label: "yes" }, { label: "no" }],
      }),
  };
}

/** 429, typed; at one token every two seconds the next comes within 2 (1 if time has passed). */
async function expectTooFast(response: Response) {
  expect(response.status).toBe(429);
  const seconds = Number(response.headers.get("retry-after"));
  expect([1, 2]).toContain(seconds);
  const body = errorBodySchema.parse(await response.json());
  expect(body.error).toMatchObject({
    code: "rate_limited",
    message: `You're doing that too fast. Try again in ${seconds === 1 ? "1 second" : "2 seconds"}.`,
    details: { retryAfterSeconds: seconds },
  });
}

describe("per-person limit on class commands (real Postgres)", () => {
  it("answers a burst past the limit with 429 and Retry-After, and appends nothing for it", async () => {
    const { sessionId, students } = await clients.liveClass(["student1", "student2"]);
    const [sam, sara] = students as [Browser, Browser];
    const send = commands(sessionId);
    for (let i = 0; i < BURST; i += 1) expect((await send.chat(sam)).status).toBe(201);
    await expectTooFast(await send.chat(sam));
    await expectTooFast(await send.chat(sam));
    const posted = (await eventTypes(owner.pool, sessionId)).filter((t) => t === "chat.posted");
    expect(posted).toHaveLength(BURST);

    // Someone else in the same class is not slowed down ...
    expect((await send.chat(sara)).status).toBe(201);
    // ... nor is the same person's other kind of command.
    expect((await send.hand(sam)).status).toBe(200);
  });

  it("limits questions, hands and votes the same way, each on its own budget", async () => {
    const { sessionId, teacher, students } = await clients.liveClass(["student1", "student2"]);
    const [sam, sara] = students as [Browser, Browser];
    const send = commands(sessionId);
    const created = await send.poll(teacher);
    expect(created.status).toBe(201);
    const { poll } = (await created.json()) as { poll: Poll };

    // Sara: her budgets for these are untouched by the test above (buckets outlive a test).
    for (const command of [send.ask, send.hand, (who: Browser) => send.vote(who, poll)]) {
      for (let i = 0; i < BURST; i += 1) expect((await command(sara)).status).toBeLessThan(300);
      await expectTooFast(await command(sara));
      expect((await command(sam)).status).toBeLessThan(300);
    }
  });

  it("lets the person go on once the bucket has refilled", async () => {
    const { sessionId, student } = await clients.liveClass(["student3"]);
    const send = commands(sessionId);
    for (let i = 0; i < BURST; i += 1) await send.chat(student);
    const refused = await send.chat(student);
    expect(refused.status).toBe(429);
    const wait = Number(refused.headers.get("retry-after"));
    await new Promise((resolve) => setTimeout(resolve, wait * 1_000));
    expect((await send.chat(student)).status).toBe(201);
  });
});
