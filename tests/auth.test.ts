import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../db/seed";
import { Browser, startWebApp, type TestApp } from "./support/webApp";

let app: TestApp;
beforeAll(async () => {
  app = await startWebApp();
});
afterAll(() => app.close());

const ADMIN = "admin@demo.lectern.test";

async function latestMailTo(email: string): Promise<string | null> {
  const { rows } = await app.database.pool.query<{ text_body: string }>(
    "select text_body from mail_outbox where to_address = $1 order by created_at desc limit 1",
    [email],
  );
  return rows[0]?.text_body ?? null;
}

const linkIn = (text: string | null) => /(https?:\/\/\S+)/.exec(text ?? "")?.[1] ?? null;

describe("sign-in", () => {
  it("signs in with the right password, sets an HTTP-only cookie and opens the school", async () => {
    const browser = new Browser(app.url);
    const response = await browser.signIn(ADMIN, DEMO_PASSWORD);
    const cookie = response.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/lectern\.session_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await browser.get("/");
    expect(home.headers.get("location")).toBe("/s/demo");
  });

  it("gives a wrong password and an unknown email the same answer", async () => {
    const browser = new Browser(app.url);
    const wrong = await browser.post("/sign-in", { email: ADMIN, password: "not-the-password" });
    const unknown = await browser.post("/sign-in", {
      email: "nobody@nowhere.test",
      password: "not-the-password",
    });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const message = "That email and password don&#x27;t match";
    expect(await wrong.text()).toContain(message);
    expect(await unknown.text()).toContain(message);
  });

  it("explains invalid input next to the fields", async () => {
    const response = await new Browser(app.url).post("/sign-in", {
      email: "not-an-email",
      password: "",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Enter an email address");
    expect(html).toContain("Enter your password");
  });

  it("signs out with a POST", async () => {
    const browser = new Browser(app.url);
    await browser.signIn(ADMIN, DEMO_PASSWORD);
    expect((await browser.get("/account")).status).toBe(200);
    await browser.post("/sign-out", {});
    expect((await browser.get("/account")).headers.get("location")).toMatch(/^\/sign-in/);
  });
});

describe("password reset", () => {
  it("answers the same for known and unknown addresses and mails only real accounts", async () => {
    const browser = new Browser(app.url);
    const known = await browser.post("/forgot-password", { email: "student3@demo.lectern.test" });
    const unknown = await browser.post("/forgot-password", { email: "ghost@demo.lectern.test" });
    const sent = "If an account uses that address";
    expect(await known.text()).toContain(sent);
    expect(await unknown.text()).toContain(sent);
    expect(await latestMailTo("student3@demo.lectern.test")).toContain("/api/auth/reset-password/");
    expect(await latestMailTo("ghost@demo.lectern.test")).toBeNull();
  });

  it("resets once with the emailed link; the same link cannot be used again", async () => {
    // A person of its own: other test files sign in as the demo people meanwhile.
    const email = `reset-${Date.now()}@demo.lectern.test`;
    const browser = new Browser(app.url);
    await browser.post("/sign-up?school=demo", {
      school: "demo",
      name: "Rita Reset",
      email,
      password: "the-first-password",
      confirm: "the-first-password",
    });
    await browser.post("/forgot-password", { email });
    const link = linkIn(await latestMailTo(email));
    expect(link).toBeTruthy();
    // The emailed link redirects to our page with the token.
    const landing = await browser.get(new URL(link!).pathname + new URL(link!).search);
    const target = new URL(landing.headers.get("location")!, app.url);
    expect(target.pathname).toBe("/reset-password");
    const token = target.searchParams.get("token")!;
    const reset = await browser.post("/reset-password", {
      token,
      password: "a-brand-new-password",
      confirm: "a-brand-new-password",
    });
    expect(reset.headers.get("location")).toBe("/sign-in?reset=done");
    await new Browser(app.url).signIn(email, "a-brand-new-password");

    const again = await browser.post("/reset-password", {
      token,
      password: "yet-another-password",
      confirm: "yet-another-password",
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("expired or was already used");
  });

  it("refuses an expired link with the same clear message", async () => {
    const email = "student1@demo.lectern.test";
    const browser = new Browser(app.url);
    await browser.post("/forgot-password", { email });
    const link = new URL(linkIn(await latestMailTo(email))!);
    const token = link.pathname.split("/").pop()!;
    const expired = await app.database.directory.db.execute(
      sql`update auth_verifications set expires_at = now() - interval '1 minute' where identifier like ${`%${token}%`}`,
    );
    expect(expired.rowCount).toBe(1);
    const reset = await browser.post("/reset-password", {
      token,
      password: "a-brand-new-password",
      confirm: "a-brand-new-password",
    });
    expect(reset.status).toBe(400);
    expect(await reset.text()).toContain("expired or was already used");
  });
});

describe("protection", () => {
  it("refuses a form posted from another site", async () => {
    const browser = new Browser(app.url);
    const response = await browser.post(
      "/sign-in",
      { email: ADMIN, password: DEMO_PASSWORD },
      { origin: "https://evil.example" },
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
    const sneaky = await fetch(`${app.url}/sign-out`, {
      method: "POST",
      headers: { "sec-fetch-site": "cross-site" },
      redirect: "manual",
    });
    expect(sneaky.status).toBe(403);
  });

  it("refuses sign-up through the raw API (only the sign-up page may create accounts)", async () => {
    const response = await fetch(`${app.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.url },
      body: JSON.stringify({ name: "x", email: "raw@api.test", password: "long-enough-pass" }),
    });
    expect(response.status).toBe(403);
  });
});

describe("rate limits (a separate app with the default limit of 10 a minute)", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startWebApp({ AUTH_RATE_LIMIT_MAX: "10" });
  });
  afterAll(() => limited.close());

  it("answers 429 after ten sign-in attempts in a minute", async () => {
    // A client address of its own (the app trusts X-Forwarded-For from loopback
    // proxies only): counters live in the shared database.
    const client = `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
    const browser = new Browser(limited.url);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await browser.post(
        "/sign-in",
        { email: `rate${i}@limit.test`, password: "wrong-password" },
        { "x-forwarded-for": client },
      );
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
