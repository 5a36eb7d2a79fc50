import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { paramShapes, type Accepts } from "../app/requestGuard.server";
import { errorBodySchema } from "../core/platform/errors";
import { DEMO_PASSWORD } from "../db/seed";
import { rawRequest, signInCookie, type RawRequest, type RawResponse } from "./support/rawHttp";
import { classroomHarness } from "./support/syncClients";

/*
 * Every route module of the build (so a new route is walked without anyone
 * adding it here) gets the requests a careless or hostile client sends:
 * malformed ids, bad percent-encodings, wrong methods, wrong content types,
 * oversized and deeply nested bodies, signed out and signed in. None may
 * answer 500; every refusal is the typed error; nothing reaches the event log.
 */

const harness = classroomHarness();
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"];
const BAD_ENCODINGS = ["%FF%FE", "%", "%E0%A4%A", "%FF%FE.%FF"];
const MALFORMED = ["%00", "'", '"', "%22%3E%3Cb%3E", "a%20b", "%E2%80%AE", "x%2F..%2Fy"];
const MALFORMED_IDS = [
  "not-a-uuid",
  "12345",
  "00000000-0000-0000-0000-00000000000g",
  "1'%20or%20'1'='1",
];

type BodyKind = NonNullable<Accepts["body"]>;
interface RouteInfo {
  id: string;
  pattern: string;
  params: string[];
  api: boolean;
  catchAll: boolean;
  reads: boolean;
  writes: string[];
  body: BodyKind;
}

/** What each route answers, read from its module's exports (not from the guard). */
function routesOf(build: ServerBuild): RouteInfo[] {
  const all = build.routes;
  const patternOf = (id: string): string => {
    const route = all[id]!;
    const parent = route.parentId ? patternOf(route.parentId) : "";
    return route.path ? `${parent}/${route.path}` : parent;
  };
  return Object.values(all)
    .filter((route) => route.id !== "root")
    .map((route) => {
      const pattern = patternOf(route.id) || "/";
      const page = route.module.default != null;
      // A pathless index page posts to its parent (Remix's rule without ?index).
      const actionRoute = page && !route.path ? all[route.parentId!]! : route;
      const accepts = (actionRoute.module as { accepts?: Accepts }).accepts ?? {};
      const api = pattern.startsWith("/api/");
      return {
        id: route.id,
        pattern,
        params: pattern
          .split("/")
          .filter((s) => s.startsWith(":") || s === "*")
          .map((s) => s.replace(/^:/, "")),
        api,
        catchAll: route.path === "*" && route.parentId === "root",
        reads: page || route.module.loader != null,
        writes: actionRoute.module.action ? [...(accepts.methods ?? ["POST"])] : [],
        body: accepts.body ?? (api ? "json" : "form"),
      };
    });
}

interface Probe {
  route: RouteInfo;
  what: string;
  request: RawRequest;
  /** A refusal: its status, code and Allow; or "handled": anything but a 5xx or a refusal of it. */
  expected: { status: number; code: string; allow?: string[] } | "handled";
  html?: boolean;
}

const fill = (pattern: string, values: (name: string) => string) =>
  pattern
    .split("/")
    .map((s) => (s === "*" ? values("*") : s.startsWith(":") ? values(s.slice(1)) : s))
    .join("/");

const isUuid = (name: string) => name === "id" || name.endsWith("Id");

function probesFor(route: RouteInfo, cookie: string | null, sessionId: string): Probe[] {
  const signedIn = cookie !== null;
  const valid = (name: string) => {
    if (name === "*") return "x";
    if (name === "slug") return "demo";
    if (name === "token") return "abc.def";
    if (name === "index") return "0";
    return name === "id" && /^\/(api\/sessions|class)\//.test(route.pattern)
      ? sessionId
      : randomUUID();
  };
  const url = (override: Record<string, string> = {}) =>
    fill(route.pattern, (name) => override[name] ?? valid(name));
  const headers = (more: Record<string, string> = {}) => ({
    accept: "application/json",
    origin: harness.app.url,
    ...(cookie ? { cookie } : {}),
    ...more,
  });
  const allowed = [...(route.reads ? ["GET", "HEAD"] : []), ...route.writes];
  const first = route.reads ? "GET" : (route.writes[0] ?? "GET");
  const probes: Probe[] = [];
  const refuse = (status: number, code: string, allow?: string[]) => ({ status, code, allow });

  // Addresses that do not decode: 400, whatever the route.
  const slots = route.params.length ? route.params : [null];
  for (const slot of slots) {
    for (const bad of BAD_ENCODINGS) {
      const target = slot ? url({ [slot]: bad }) : `${url().replace(/\/$/, "")}/x${bad}`;
      probes.push({
        route,
        what: `${first} with ${slot ?? "path"}=${bad}`,
        request: { method: first, path: target, headers: headers() },
        expected: refuse(400, "bad_request"),
      });
    }
  }
  probes.push({
    route,
    what: "single-fetch data request with a bad encoding",
    request: { method: "GET", path: `${url().replace(/\/$/, "")}/%FF.data`, headers: headers() },
    expected: refuse(400, "bad_request"),
  });

  // Malformed parameters: not found, like unknown ones, for people and programs alike.
  for (const name of route.params.filter((p) => p !== "*")) {
    const values = [
      ...MALFORMED,
      ...(isUuid(name) ? MALFORMED_IDS : []),
      ...(name === "index" ? ["1e3", "0x1", "one"] : []),
    ];
    for (const value of values) {
      probes.push({
        route,
        what: `${first} with ${name}=${value}`,
        request: { method: first, path: url({ [name]: value }), headers: headers() },
        expected: route.catchAll ? "handled" : refuse(404, "not_found"),
      });
    }
    if (!route.api) {
      probes.push({
        route,
        what: `a browser asking for ${name}=not%20valid`,
        request: {
          method: "GET",
          path: url({ [name]: "not%20valid" }),
          headers: headers({ accept: "text/html" }),
        },
        expected: refuse(404, "not_found"),
        html: true,
      });
    }
  }

  // Methods: the route's own are handled; any other is a 405 naming them.
  for (const method of METHODS) {
    if (route.catchAll) {
      if (method !== "GET" && method !== "HEAD") {
        probes.push({
          route,
          what: `${method} on no route`,
          request: { method, path: url(), headers: headers() },
          expected: refuse(404, "not_found"),
        });
      }
    } else if (!allowed.includes(method)) {
      probes.push({
        route,
        what: `${method} (allowed: ${allowed.join(", ")})`,
        request: { method, path: url(), headers: headers() },
        expected: refuse(405, "method_not_allowed", allowed),
      });
    } else if (!signedIn && (method === "GET" || method === "HEAD")) {
      probes.push({
        route,
        what: `${method} as it should be`,
        request: { method, path: url(), headers: headers() },
        expected: "handled",
      });
    }
  }

  // Bodies, for each method the action answers.
  const boundary = "----lectern-test";
  const multipart = `--${boundary}\r\ncontent-disposition: form-data; name="a"\r\n\r\n1\r\n--${boundary}--\r\n`;
  const bodies: { name: string; type?: string; body?: string | Uint8Array; as: BodyKind[] }[] = [
    { name: "nothing", as: ["json", "raw", "any"] },
    { name: "text/plain", type: "text/plain", body: "hello", as: ["raw", "any"] },
    { name: "no content type", body: new TextEncoder().encode("hello"), as: ["raw", "any"] },
    { name: "JSON", type: "application/json", body: '{"a":1}', as: ["json", "raw", "any"] },
    {
      name: "a form",
      type: "application/x-www-form-urlencoded",
      body: "a=1",
      as: ["form", "raw", "any"],
    },
    {
      name: "a multipart form",
      type: `multipart/form-data; boundary=${boundary}`,
      body: multipart,
      as: ["form", "raw", "any"],
    },
    {
      name: "multipart without a boundary",
      type: "multipart/form-data",
      body: "garbage",
      as: ["raw", "any"],
    },
    {
      name: "broken multipart",
      type: `multipart/form-data; boundary=${boundary}`,
      body: "garbage",
      as: ["raw", "any"],
    },
    { name: "webhook JSON", type: "application/webhook+json", body: "{}", as: ["raw", "any"] },
  ];
  const accepts = (kind: BodyKind, body: (typeof bodies)[number]) => {
    if (!Array.isArray(kind)) return body.as.includes(kind as Exclude<BodyKind, readonly string[]>);
    return body.body === undefined || (body.type !== undefined && kind.includes(body.type));
  };
  const deep = "[".repeat(10_000) + "]".repeat(10_000);
  const nested = '{"a":'.repeat(40) + "1" + "}".repeat(40);
  for (const method of route.catchAll ? [] : route.writes) {
    for (const body of bodies) {
      const ok = accepts(route.body, body);
      if (ok && signedIn) continue; // could change things: signed-out calls show it is handled
      const broken = body.name.includes("multipart") && body.name !== "a multipart form";
      probes.push({
        route,
        what: `${method} with ${body.name} (takes ${String(route.body)})`,
        request: {
          method,
          path: url(),
          headers: headers(body.type ? { "content-type": body.type } : {}),
          body: body.body,
        },
        expected: ok
          ? "handled"
          : route.body === "form" && broken
            ? refuse(400, "bad_request")
            : refuse(415, "unsupported_type"),
      });
    }
    const json = (body: string, chunked = false): RawRequest => ({
      method,
      path: url(),
      headers: headers({ "content-type": "application/json" }),
      body,
      chunked,
    });
    if (route.body === "json") {
      const huge = JSON.stringify({ body: "x".repeat(1_048_576) });
      probes.push(
        {
          route,
          what: `${method} 1 MB of JSON`,
          request: json(huge),
          expected: refuse(413, "too_large"),
        },
        {
          route,
          what: `${method} 100 KB of chunked JSON`,
          request: json(huge.slice(0, 100_000), true),
          expected: refuse(413, "too_large"),
        },
        {
          route,
          what: `${method} JSON 10,000 deep`,
          request: json(deep),
          expected: refuse(400, "bad_request"),
        },
        {
          route,
          what: `${method} JSON 40 deep`,
          request: json(nested),
          expected: refuse(400, "bad_request"),
        },
        {
          route,
          what: `${method} malformed JSON`,
          request: json("{oops"),
          expected: refuse(400, "bad_request"),
        },
      );
    } else if (route.body === "form") {
      const form = (body: string, chunked = false): RawRequest => ({
        method,
        path: url(),
        headers: headers({ "content-type": "application/x-www-form-urlencoded" }),
        body,
        chunked,
      });
      probes.push(
        {
          route,
          what: `${method} a 2 MB form`,
          request: form(`a=${"x".repeat(2_097_152)}`),
          expected: refuse(413, "too_large"),
        },
        {
          route,
          what: `${method} a 1.5 MB chunked form`,
          request: form(`a=${"x".repeat(1_572_864)}`, true),
          expected: refuse(413, "too_large"),
        },
      );
    } else if (!signedIn) {
      // Bodies the route reads itself (or a type it names): big or deep, still no 500.
      const type = Array.isArray(route.body) ? route.body[0]! : "application/octet-stream";
      const send = (body: string | Uint8Array): RawRequest => ({
        method,
        path: url(),
        headers: headers({ "content-type": type }),
        body,
      });
      probes.push(
        {
          route,
          what: `${method} 2 MB`,
          request: send(new Uint8Array(2_097_152)),
          expected: "handled",
        },
        { route, what: `${method} deeply nested JSON`, request: send(deep), expected: "handled" },
      );
    }
  }
  return probes;
}

/** What is wrong with an answer, or null when it is as it should be. */
function fault(probe: Probe, response: RawResponse): string | null {
  const { status, headers, body } = response;
  if (status >= 500) return `answered ${status}: ${body.slice(0, 200)}`;
  const { expected } = probe;
  if (expected === "handled") {
    if (status === 405 || status === 415)
      return `refused what the route takes: ${status} ${body.slice(0, 200)}`;
  } else {
    if (status !== expected.status)
      return `answered ${status}, not ${expected.status}: ${body.slice(0, 200)}`;
    if (expected.allow) {
      const allow = String(headers.allow ?? "")
        .split(/,\s*/)
        .filter(Boolean)
        .sort();
      if (allow.join() !== [...expected.allow].sort().join())
        return `Allow: ${headers.allow ?? "(none)"}`;
    }
  }
  if (probe.html) {
    return String(headers["content-type"]).includes("html")
      ? null
      : `not a page: ${headers["content-type"]}`;
  }
  const typed =
    expected !== "handled" || (probe.route.api && !probe.route.pattern.startsWith("/api/auth/"));
  if (!typed || probe.request.method === "HEAD" || status < 400) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
  const error = errorBodySchema.safeParse(parsed);
  if (!error.success) return `not the typed error: ${body.slice(0, 200)}`;
  if (expected !== "handled" && error.data.error.code !== expected.code) {
    return `code ${error.data.error.code}, not ${expected.code}`;
  }
  return null;
}

async function run(base: string, probes: Probe[], concurrency = 12): Promise<string[]> {
  const faults: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const probe = probes[next++]!;
      const problem = await rawRequest(base, { timeoutMs: 5_000, ...probe.request }).then(
        (response) => fault(probe, response),
        (error: Error) => error.message,
      );
      if (problem)
        faults.push(
          `${probe.route.id}: ${probe.what} ${probe.request.path.slice(0, 120)} -> ${problem}`,
        );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return faults.sort();
}

const eventCount = async () =>
  (
    await harness.owner.pool.query<{ n: number }>(
      "select count(*)::int as n from session_state_events",
    )
  ).rows[0]!.n;

let routes: RouteInfo[];
beforeAll(async () => {
  // The build the web app serves (tests/setup/build.ts made it from app/routes).
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  routes = routesOf(build);
});

describe("every route refuses bad requests with a typed 4xx (the build's route table)", () => {
  it("walks every route module, and knows the shape of each of their parameters", () => {
    expect(routes.length).toBeGreaterThan(40);
    const names = new Set(routes.flatMap((r) => r.params).filter((p) => p !== "*"));
    expect([...names].filter((name) => !(name in paramShapes))).toEqual([]);
  });

  it("never answers 500, always the typed error, and appends nothing to the event log", async () => {
    const { sessionId, teacher } = await harness.sync.liveClass();
    expect(teacher).toBeDefined();
    const base = harness.app.url;
    const cookie = await signInCookie(base, "teacher@demo.lectern.test", DEMO_PASSWORD);
    const before = await eventCount();
    const probes = [null, cookie].flatMap((who) =>
      routes.flatMap((r) => probesFor(r, who, sessionId)),
    );
    const faults = await run(base, probes);
    expect(faults).toEqual([]);
    expect(await eventCount()).toBe(before);
  }, 120_000);

  it("refuses what belongs to no route and Remix's own side doors", async () => {
    const base = harness.app.url;
    const cases: [RawRequest, number, string][] = [
      [
        { method: "GET", path: "/api/nothing/here", headers: { accept: "application/json" } },
        404,
        "not_found",
      ],
      [
        { method: "POST", path: "/nothing/here", headers: { accept: "application/json" } },
        404,
        "not_found",
      ],
      [
        { method: "POST", path: "/__manifest", headers: { accept: "application/json" } },
        405,
        "method_not_allowed",
      ],
      [
        { method: "GET", path: "/?_data=root", headers: { accept: "application/json" } },
        400,
        "bad_request",
      ],
      [
        { method: "TRACE", path: "/", headers: { accept: "application/json" } },
        405,
        "method_not_allowed",
      ],
    ];
    for (const [request, status, code] of cases) {
      const response = await rawRequest(base, request);
      expect({ path: request.path, status: response.status }).toEqual({
        path: request.path,
        status,
      });
      expect(errorBodySchema.parse(JSON.parse(response.body)).error.code).toBe(code);
    }
  });
});
