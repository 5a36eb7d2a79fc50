import type { Server } from "node:http";
import { inject } from "vitest";
import { createWebApp } from "../../app/web.server";
import { createSyncServer } from "../../sync-server/server";
import { createClassEventHub } from "../../core/log/classEvents";
import { loadConfig } from "../../core/platform/config";
import { openDatabase, type OpenDatabase } from "../../core/platform/database";
import { createLogger } from "../../core/platform/logger";
import { freePort } from "../../db/embedded";

export interface TestApp {
  url: string;
  database: OpenDatabase;
  close(): Promise<void>;
}

/**
 * The real web app (Express, the Remix build, better-auth) on the run's scratch
 * database, on a free port. `env` overrides configuration.
 */
export async function startWebApp(
  env: Record<string, string> = {},
  options: Pick<
    Parameters<typeof createSyncServer>[0],
    "checkpointEvery" | "tokenGraceMs" | "limits"
  > = {},
): Promise<TestApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: "production",
    ...inject("serverEnv"),
    APP_URL: url,
    LOG_LEVEL: "warn",
    SEED_DEMO: "true",
    MAIL_OUTBOX_PAGE: "true",
    AUTH_RATE_LIMIT_MAX: "1000",
    ...env,
  });
  const log = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config, log);
  // As with ROLE=all: web and sync share the port and the class event feed.
  const classEvents = await createClassEventHub({
    pool: database.pool,
    listenUrl: database.url,
    log,
  });
  const web = await createWebApp({
    config,
    db: database,
    log,
    readiness: { ready: true, reason: "serving" },
    classEvents,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = web.app.listen(port, "127.0.0.1", () => resolve(listening));
  });
  const sync = createSyncServer({
    db: database.db,
    pool: database.pool,
    authSecret: config.AUTH_SECRET,
    log,
    classEvents,
    ...options,
  });
  server.on("upgrade", (request, socket, head) => {
    if (!sync.handleUpgrade(request, socket, head)) socket.destroy();
  });
  return {
    url,
    database,
    async close() {
      await sync.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await web.close();
      await classEvents.close();
      await database.close();
    },
  };
}

/** A browser-like client: keeps cookies, sends Origin on writes, does not follow redirects. */
export class Browser {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { method: "GET", headers });
  }

  async post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return this.request(path, {
      method: "POST",
      headers: {
        origin: this.base,
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** A JSON API call as the page makes it (POST unless told otherwise). */
  async api(
    path: string,
    options: {
      method?: string;
      json?: unknown;
      body?: Uint8Array;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    return this.request(path, {
      method: options.method ?? "POST",
      headers: {
        origin: this.base,
        accept: "application/json",
        ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
        ...(options.body ? { "content-type": "application/octet-stream" } : {}),
        ...options.headers,
      },
      body:
        options.json !== undefined
          ? JSON.stringify(options.json)
          : (options.body as BodyInit | undefined),
    });
  }

  async signIn(email: string, password: string): Promise<Response> {
    const response = await this.post("/sign-in", { email, password, redirectTo: "/" });
    if (response.status !== 302) throw new Error(`sign-in failed for ${email}: ${response.status}`);
    return response;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await fetch(new URL(path, this.base), {
      ...init,
      headers,
      redirect: "manual",
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair!.split("=");
      if (/max-age=0/i.test(cookie) || value.join("=") === "") this.cookies.delete(name!);
      else this.cookies.set(name!, value.join("="));
    }
    return response;
  }
}
