import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { authAccounts, tenants, userRoles, users } from "../db/schema";
import { DEMO_PASSWORD } from "../db/seed";
import { connect } from "./support/fixtures";
import { Browser, startWebApp, type TestApp } from "./support/webApp";

let app: TestApp;
const owner = connect(inject("ownerDatabaseUrl"), 2);
beforeAll(async () => {
  app = await startWebApp();
});
afterAll(async () => {
  await app.close();
  await owner.close();
});

const demo = (who: string) => `${who}@demo.lectern.test`;

async function as(email: string, password = DEMO_PASSWORD): Promise<Browser> {
  const browser = new Browser(app.url);
  await browser.signIn(email, password);
  return browser;
}

/** Another school with one member, written straight to the database. */
async function otherSchool(role: "admin" | "student" = "admin") {
  const slug = `other-${randomUUID().slice(0, 8)}`;
  const email = `${slug}@other.test`;
  const [tenant] = await owner.db
    .insert(tenants)
    .values({ name: `Other ${slug}`, slug })
    .returning();
  const [user] = await owner.db.insert(users).values({ name: "Otto Other", email }).returning();
  await owner.db.insert(authAccounts).values({
    userId: user!.id,
    accountId: user!.id,
    providerId: "credential",
    password: await hashPassword(DEMO_PASSWORD),
  });
  await owner.db.insert(userRoles).values({ tenantId: tenant!.id, userId: user!.id, role });
  return { tenant: tenant!, user: user!, email };
}

async function userId(email: string): Promise<string> {
  const { rows } = await owner.pool.query<{ id: string }>("select id from users where email = $1", [
    email,
  ]);
  return rows[0]!.id;
}

async function auditRows(action: string) {
  const { rows } = await owner.pool.query(
    "select action, outcome, before, after, request_id from audit_logs where action = $1 order by created_at",
    [action],
  );
  return rows;
}

async function inviteLink(email: string): Promise<string> {
  const { rows } = await owner.pool.query<{ text_body: string }>(
    "select text_body from mail_outbox where to_address = $1 order by created_at desc limit 1",
    [email],
  );
  return /(https?:\/\/\S+)/.exec(rows[0]?.text_body ?? "")![1]!;
}

describe("invitations", () => {
  it("lets an admin invite by email; the invitee signs up from the link and joins with that role", async () => {
    const admin = await as(demo("admin"));
    const email = `new-teacher-${randomUUID().slice(0, 6)}@demo.lectern.test`;
    const invite = await admin.post("/s/demo/people", { intent: "invite", email, role: "teacher" });
    expect(invite.status).toBe(200);
    expect(await invite.text()).toContain(`Invitation sent to ${email}`);

    const link = new URL(await inviteLink(email));
    const id = link.pathname.split("/").pop()!;
    const visitor = new Browser(app.url);
    expect(await (await visitor.get(link.pathname)).text()).toContain("Join Demo School");
    const signUp = await visitor.post(`/sign-up?invitation=${id}`, {
      invitation: id,
      name: "Nina New",
      email,
      password: "nina-password-1",
      confirm: "nina-password-1",
    });
    expect(signUp.headers.get("location")).toBe("/s/demo");
    expect((await visitor.get("/s/demo")).status).toBe(200);
    const { rows } = await owner.pool.query(
      "select r.role from user_roles r join users u on u.id = r.user_id where u.email = $1",
      [email],
    );
    expect(rows).toEqual([{ role: "teacher" }]);
    // Used once: the link is spent.
    expect(await (await new Browser(app.url).get(link.pathname)).text()).toContain(
      "no longer valid",
    );
  });

  it("turns away an expired invitation with a clear message", async () => {
    const admin = await as(demo("admin"));
    const email = `late-${randomUUID().slice(0, 6)}@demo.lectern.test`;
    await admin.post("/s/demo/people", { intent: "invite", email, role: "student" });
    const link = new URL(await inviteLink(email));
    const id = link.pathname.split("/").pop()!;
    await owner.db.execute(
      sql`update invitations set expires_at = now() - interval '1 day' where id = ${id}`,
    );
    const page = await new Browser(app.url).get(`/sign-up?invitation=${id}`);
    expect(await page.text()).toContain("This invitation is no longer valid");
    const attempt = await new Browser(app.url).post(`/sign-up?invitation=${id}`, {
      invitation: id,
      name: "Late",
      email,
      password: "late-password-1",
      confirm: "late-password-1",
    });
    expect(attempt.status).toBe(400);
  });

  it("offers open sign-up only where the school allows it", async () => {
    expect(await (await new Browser(app.url).get("/sign-up")).text()).toContain("invitation link");
    const closed = await otherSchool();
    expect(
      await (await new Browser(app.url).get(`/sign-up?school=${closed.tenant.slug}`)).text(),
    ).toContain("by invitation only");
    const email = `open-${randomUUID().slice(0, 6)}@demo.lectern.test`;
    const browser = new Browser(app.url);
    const response = await browser.post("/sign-up?school=demo", {
      school: "demo",
      name: "Otis Open",
      email,
      password: "open-password-1",
      confirm: "open-password-1",
    });
    expect(response.headers.get("location")).toBe("/s/demo");
    expect(await (await browser.get("/s/demo")).text()).toContain("student");
  });
});

describe("roles and the audit log", () => {
  it("lets an admin change a teacher's role, and audits it with before, after and request id", async () => {
    const admin = await as(demo("admin"));
    const target = await userId(demo("student3"));
    const response = await admin.post("/s/demo/people", {
      intent: "change_role",
      userId: target,
      role: "teacher",
    });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id");
    const entries = await auditRows("member.role_changed");
    expect(entries.at(-1)).toMatchObject({
      outcome: "allowed",
      before: { role: "student" },
      after: { role: "teacher" },
      request_id: requestId,
    });
    const auditPage = await admin.get("/s/demo/audit");
    expect(await auditPage.text()).toContain("member.role_changed");
    // Put it back for the other tests.
    await admin.post("/s/demo/people", { intent: "change_role", userId: target, role: "student" });
  });

  it("refuses a teacher an admin action with 403, and audits the refusal", async () => {
    const teacher = await as(demo("teacher"));
    const target = await userId(demo("student2"));
    const response = await teacher.post("/s/demo/people", {
      intent: "change_role",
      userId: target,
      role: "admin",
    });
    expect(response.status).toBe(403);
    const denied = (await auditRows("member.change_role")).filter((r) => r.outcome === "denied");
    expect(denied.at(-1)).toMatchObject({ before: { role: "student" }, after: { role: "admin" } });
    const { rows } = await owner.pool.query("select role from user_roles where user_id = $1", [
      target,
    ]);
    expect(rows).toEqual([{ role: "student" }]);
  });

  it("refuses an admin promoting someone to admin (owners only)", async () => {
    const admin = await as(demo("admin"));
    const response = await admin.post("/s/demo/people", {
      intent: "change_role",
      userId: await userId(demo("coteacher")),
      role: "admin",
    });
    expect(response.status).toBe(403);
  });

  it("keeps students out of the people and audit pages (403), and shows teachers the people", async () => {
    const student = await as(demo("student1"));
    expect((await student.get("/s/demo/people")).status).toBe(403);
    expect((await student.get("/s/demo/audit")).status).toBe(403);
    const invite = await student.post("/s/demo/people", {
      intent: "invite",
      email: "friend@x.test",
      role: "student",
    });
    expect(invite.status).toBe(403);
    const teacher = await as(demo("teacher"));
    const people = await teacher.get("/s/demo/people");
    expect(people.status).toBe(200);
    expect(await people.text()).toContain("Sam Student");
    expect((await teacher.get("/s/demo/audit")).status).toBe(403);
  });

  it("rejects a malformed change with a typed 400, not a crash", async () => {
    const admin = await as(demo("admin"));
    const response = await admin.post("/s/demo/people", {
      intent: "change_role",
      userId: "x",
      role: "emperor",
    });
    expect(response.status).toBe(400);
  });
});

describe("tenant isolation through the pages", () => {
  it("answers 404 for another school's pages, and leaks nothing about it", async () => {
    const other = await otherSchool();
    const demoAdmin = await as(demo("admin"));
    for (const path of [
      `/s/${other.tenant.slug}`,
      `/s/${other.tenant.slug}/people`,
      `/s/${other.tenant.slug}/audit`,
    ]) {
      const response = await demoAdmin.get(path);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(other.tenant.name);
    }
    const unknown = await demoAdmin.get("/s/no-such-school/people");
    expect(unknown.status).toBe(404);
    // And the other way round: their admin cannot act on the demo school.
    const otherAdmin = await as(other.email);
    const target = await userId(demo("student1"));
    const response = await otherAdmin.post("/s/demo/people", { intent: "remove", userId: target });
    expect(response.status).toBe(404);
    // Acting in their own school on a demo member finds no such person.
    const sideways = await otherAdmin.post(`/s/${other.tenant.slug}/people`, {
      intent: "remove",
      userId: target,
    });
    expect(sideways.status).toBe(404);
  });

  it("shows a person in two schools a switcher with both", async () => {
    const other = await otherSchool("student");
    await owner.db.insert(userRoles).values({
      tenantId: (
        await owner.db
          .select()
          .from(tenants)
          .where(sql`slug = 'demo'`)
      )[0]!.id,
      userId: other.user.id,
      role: "student",
    });
    const browser = await as(other.email);
    const html = await (await browser.get(`/s/${other.tenant.slug}`)).text();
    expect(html).toContain("Switch school");
    expect(html).toContain("Demo School");
    expect((await browser.get("/s/demo")).status).toBe(200);
  });
});

describe("schools by host name", () => {
  it("serves a school on its own host, and nothing of another school there", async () => {
    const browser = await as(demo("teacher"));
    // demo.lectern.test is mapped to the demo school in tenant_domains (seed).
    const onHost = await browser.get("/s/demo", { "x-forwarded-host": "demo.lectern.test" });
    expect(onHost.status).toBe(200);
    const elsewhere = await browser.get("/s/riverside", {
      "x-forwarded-host": "demo.lectern.test",
    });
    expect(elsewhere.status).toBe(404);
    // On an unmapped host the path decides.
    expect((await browser.get("/s/riverside")).status).toBe(200);
  });
});

describe("account", () => {
  it("changes the password only with the current one, and the new one works", async () => {
    const email = `acct-${randomUUID().slice(0, 6)}@demo.lectern.test`;
    const browser = new Browser(app.url);
    await browser.post("/sign-up?school=demo", {
      school: "demo",
      name: "Ann Account",
      email,
      password: "first-password-1",
      confirm: "first-password-1",
    });
    const wrong = await browser.post("/account", {
      intent: "password",
      currentPassword: "not-my-password",
      password: "second-password-2",
      confirm: "second-password-2",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Your current password is not right.");
    const ok = await browser.post("/account", {
      intent: "password",
      currentPassword: "first-password-1",
      password: "second-password-2",
      confirm: "second-password-2",
    });
    expect(ok.headers.get("location")).toBe("/account?password=changed");
    expect(await (await browser.get("/account?password=changed")).text()).toContain(
      "Password changed",
    );
    await new Browser(app.url).signIn(email, "second-password-2");
    const renamed = await browser.post("/account", { intent: "profile", name: "Ann Renamed" });
    expect(await renamed.text()).toContain("Ann Renamed");
  });
});
