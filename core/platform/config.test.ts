import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, redactUrl } from "./config";

const secret = "x".repeat(40);

describe("loadConfig", () => {
  it("defaults to a development setup on the embedded database", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ NODE_ENV: "development", ROLE: "all", PORT: 3000 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.APP_URL).toBe("http://localhost:3000");
    expect(config.SEED_DEMO).toBe(true);
  });

  it.each([
    [{ DATABASE_URL: "mysql://db/x" }, /^Invalid configuration: DATABASE_URL must be a postgres/],
    [{ DATABASE_URL: "not a url" }, /^Invalid configuration: DATABASE_URL /],
    [{ PORT: "http" }, /^Invalid configuration: PORT /],
    [{ ROLE: "worker" }, /^Invalid configuration: ROLE /],
    [
      { NODE_ENV: "production", AUTH_SECRET: secret },
      /^Invalid configuration: DATABASE_URL is required/,
    ],
    [
      { NODE_ENV: "production", DATABASE_URL: "postgres://db/lectern" },
      /^Invalid configuration: AUTH_SECRET is required/,
    ],
    [{ AUTH_SECRET: "short" }, /^Invalid configuration: AUTH_SECRET must be at least 32/],
  ])("refuses %j with one line naming the variable", (env, message) => {
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("never echoes a secret value in its error", () => {
    expect(() => loadConfig({ AUTH_SECRET: "hunter2" })).toThrow(/AUTH_SECRET/);
    expect(() => loadConfig({ AUTH_SECRET: "hunter2" })).not.toThrow(/hunter2/);
  });

  it("accepts a production configuration", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://app:pw@db.internal:5432/lectern",
      AUTH_SECRET: secret,
      ROLE: "web",
      PORT: "8080",
    });
    expect(config).toMatchObject({ ROLE: "web", PORT: 8080, SEED_DEMO: false });
  });

  it("masks passwords when printing database URLs", () => {
    expect(redactUrl("postgres://app:s3cret@db:5432/x")).toBe("postgres://app:***@db:5432/x");
  });
});
