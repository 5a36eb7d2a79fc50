import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_PASSWORD } from "../db/seed";
import { connect } from "./support/fixtures";
import { Browser, startWebApp, type TestApp } from "./support/webApp";

/*
 * Issue 12, item 10: a page a capability link opens (an invitation, sign-up
 * from one) shows what its holder needs, the school's name and the invited
 * email, and never an internal id: no UUID but the invitation's own, which
 * is in the link already.
 */

let app: TestApp;
const owner = connect(inject("ownerDatabaseUrl"), 2);
beforeAll(async () => {
  app = await startWebApp();
});
afterAll(async () => {
  await app.close();
  await owner.close();
});

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// A request id of our own, so the root's data carries no minted UUID either.
const headers = { "x-request-id": "capability-link-test" };

async function invitation(): Promise<{ id: string; email: string }> {
  const admin = new Browser(app.url);
  await admin.signIn("admin@demo.lectern.test", DEMO_PASSWORD);
  const email = `invitee-${randomUUID().slice(0, 6)}@demo.lectern.test`;
  const invited = await admin.post("/s/demo/people", { intent: "invite", email, role: "student" });
  expect(invited.status).toBe(200);
  const { rows } = await owner.pool.query<{ id: string }>(
    "select id from invitations where email = $1 and status = 'pending'",
    [email],
  );
  return { id: rows[0]!.id, email };
}

async function uuidsIn(path: string): Promise<{ text: string; uuids: string[] }> {
  const response = await new Browser(app.url).get(path, headers);
  expect(response.status, path).toBe(200);
  const text = await response.text();
  return { text, uuids: [...new Set(text.match(UUIDS) ?? [])].map((u) => u.toLowerCase()) };
}

describe("pages behind capability links (real Postgres)", () => {
  it("an invitation's page and its data carry no internal id, only the invitation's own", async () => {
    const { id, email } = await invitation();
    const { rows } = await owner.pool.query<{ id: string }>(
      "select id from tenants where slug = 'demo'",
    );
    const schoolId = rows[0]!.id;
    for (const path of [
      `/invitations/${id}`,
      `/invitations/${id}.data`,
      `/sign-up?invitation=${id}`,
      `/sign-up.data?invitation=${id}`,
    ]) {
      const { text, uuids } = await uuidsIn(path);
      expect(text, path).toContain("Demo School");
      expect(text, path).not.toContain(schoolId);
      expect(uuids, path).toEqual([id]);
    }
    // What the holder needs is there: the invited address.
    expect((await uuidsIn(`/invitations/${id}.data`)).text).toContain(email);
  });

  it("open sign-up for a school names the school, not its id", async () => {
    const { text, uuids } = await uuidsIn("/sign-up.data?school=demo");
    expect(text).toContain("Demo School");
    expect(uuids).toEqual([]);
  });
});
