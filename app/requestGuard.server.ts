import type { ServerBuild } from "@remix-run/node";
import { matchRoutes } from "@remix-run/react";
import type {
  Request as ExpressRequest,
  Response as ExpressResponse,
  RequestHandler,
} from "express";
import { z } from "zod";
import { AppError } from "../core/platform/errors";
import { JSON_LIMIT, parseJson } from "./utils/api";

/*
 * Every request is checked against the Remix build's route table before any
 * route code runs: the address decodes, the route's parameters have their
 * shape, the method is one the route answers, and the body is of a type the
 * route takes (JSON and form bodies are read here, within their limits, and
 * handed on to Remix as read). A request that fails gets a typed 4xx; a new
 * route is covered by being in the table.
 */

type RouteObject = Parameters<typeof matchRoutes>[0][number];
type ActionMethod = "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What a route module declares for the guard in `export const accepts`, when
 * the defaults do not fit. Not `handle`: that is sent to the browser too, with
 * everything the route module imports.
 */
export interface Accepts {
  /** The methods its action answers (default: POST). */
  methods?: readonly ActionMethod[];
  /**
   * The bodies its action takes: by default JSON under /api and forms
   * elsewhere; a list of media types; "raw" for bytes the route reads and
   * limits itself; "any" for a handler that parses its own (better-auth).
   */
  body?: "json" | "form" | "raw" | "any" | readonly string[];
}

const uuid = z.uuid();

/**
 * The shape of every route parameter, by name: a malformed value is not found,
 * like an unknown one, and never reaches a query. A parameter without an entry
 * is refused, so a new name must be given its shape here (the route-hardening
 * test checks every route's parameters are).
 */
export const paramShapes: Record<string, z.ZodType<string>> = {
  id: uuid,
  cardId: uuid,
  courseId: uuid,
  deckId: uuid,
  messageId: uuid,
  pollId: uuid,
  questionId: uuid,
  userId: uuid,
  // A number: whether it is in range is the route's to say (422).
  index: z.string().regex(/^-?\d{1,9}$/),
  slug: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/i),
  token: z.string().regex(/^[\w-]{1,512}\.[\w-]{1,128}$/),
};

/** What the segment before a parameter names, for "We couldn't find that …". */
const things: Record<string, string> = {
  calendar: "calendar link",
  cards: "card",
  chat: "message",
  chunks: "chunk",
  class: "class",
  courses: "course",
  decks: "slide deck",
  invitations: "invitation",
  participants: "person",
  polls: "poll",
  questions: "question",
  recordings: "recording",
  s: "school",
  sessions: "class",
};

/** A form page posts at most this much (no page takes files). */
const FORM_LIMIT = 1_048_576;
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

type Module = ServerBuild["routes"][string]["module"];
interface Table {
  routes: RouteObject[];
  byId: Map<string, { module: Module; parentId?: string; path?: string; pattern: string }>;
}

/** The guard, for the build `getBuild` serves at the moment (it may reload in development). */
export function requestGuard(getBuild: () => ServerBuild): RequestHandler {
  const tables = new WeakMap<ServerBuild, Table>();
  const tableOf = (build: ServerBuild) => {
    let table = tables.get(build);
    if (!table) tables.set(build, (table = routeTable(build)));
    return table;
  };
  return (req, res, next) => {
    // Refusals go to the last-resort handler, which answers them typed (and logs only 5xx).
    check(req, res, tableOf(getBuild())).then(() => next(), next);
  };
}

/** The body the guard read and checked (JSON and forms), to hand on to Remix as it is. */
export function checkedBody(res: ExpressResponse): Uint8Array<ArrayBuffer> | undefined {
  return res.locals.checkedBody as Uint8Array<ArrayBuffer> | undefined;
}

async function check(req: ExpressRequest, res: ExpressResponse, table: Table): Promise<void> {
  const url = parseUrl(req);
  if (url.searchParams.has("_data")) {
    throw new AppError("bad_request", "This app does not answer ?_data requests.");
  }
  if (url.pathname === "/__manifest") return allowOnly(req, ["GET", "HEAD"]);
  // Single-fetch data requests (`/x.data`, `/_root.data`) are for the route at `/x`.
  const path = url.pathname.endsWith(".data")
    ? url.pathname.slice(0, -".data".length).replace(/^\/_root$/, "/")
    : url.pathname;
  const api = path.startsWith("/api/");

  const matches = matchRoutes(table.routes, path);
  const leafMatch = matches?.at(-1);
  if (!matches || !leafMatch) return;
  const leaf = table.byId.get(leafMatch.route.id!)!;
  if (leaf.path === "*" && leaf.parentId === "root") {
    // Nothing but the catch-all matched: not found, whatever the method.
    if (api || (req.method !== "GET" && req.method !== "HEAD")) {
      throw new AppError("not_found", "We couldn't find that page.");
    }
    return;
  }

  for (const [name, value] of Object.entries(leafMatch.params)) {
    if (name === "*") continue;
    if (!paramShapes[name]?.safeParse(value).success) {
      throw new AppError("not_found", `We couldn't find that ${thingOf(leaf.pattern, name)}.`);
    }
  }

  // Pages render for GET; their form posts go to the route Remix would pick.
  const page = leaf.module.default != null || leaf.module.ErrorBoundary != null;
  const target = page ? actionTarget(matches, url.search, table) : leaf;
  const accepts = ((target.module as { accepts?: Accepts }).accepts ?? {}) as Accepts;
  const writes = target.module.action ? (accepts.methods ?? ["POST"]) : [];
  allowOnly(req, [...(page || leaf.module.loader ? ["GET", "HEAD"] : []), ...writes]);

  if (req.method === "GET" || req.method === "HEAD") return;
  const body = accepts.body ?? (api ? "json" : "form");
  const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (body === "any" || body === "raw") return;
  if (body === "form") {
    // A page's action reads its form, sent or not: anything but a readable form would throw there.
    if (!FORM_TYPES.includes(type)) throw unsupported(FORM_TYPES.join(" or "));
    const bytes = await readBody(req, res, FORM_LIMIT);
    await new Response(bytes, { headers: { "content-type": req.get("content-type")! } })
      .formData()
      .catch(() => {
        throw new AppError("bad_request", "The form could not be read.");
      });
    res.locals.checkedBody = bytes;
  } else if (hasBody(req)) {
    if (body === "json") {
      if (type !== "application/json") throw unsupported("application/json");
      const bytes = await readBody(req, res, JSON_LIMIT);
      parseJson(bytes);
      res.locals.checkedBody = bytes;
    } else if (!body.includes(type)) {
      throw unsupported(body.join(" or "));
    }
  }
}

function routeTable(build: ServerBuild): Table {
  const entries = Object.values(build.routes);
  const byId: Table["byId"] = new Map();
  const childrenOf = (parentId: string | undefined, prefix: string): RouteObject[] =>
    entries
      .filter((route) => route.parentId === parentId)
      .map((route) => {
        const pattern = route.path ? `${prefix}/${route.path}` : prefix;
        byId.set(route.id, { ...route, pattern });
        return {
          id: route.id,
          path: route.path,
          caseSensitive: route.caseSensitive,
          ...(route.index ? { index: true } : { children: childrenOf(route.id, pattern) }),
        } as RouteObject;
      });
  return { routes: childrenOf(undefined, ""), byId };
}

function parseUrl(req: ExpressRequest): URL {
  let url: URL;
  try {
    url = new URL(`${req.protocol}://${req.get("host") ?? "localhost"}${req.originalUrl}`);
  } catch (error) {
    throw new AppError("bad_request", "The address is not valid.", undefined, { cause: error });
  }
  for (const segment of url.pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch (error) {
      throw new AppError(
        "bad_request",
        "The address has a malformed percent-encoding.",
        undefined,
        {
          cause: error,
        },
      );
    }
  }
  return url;
}

/**
 * The route a page's form post goes to, as Remix picks it: the index route
 * when asked with `?index`, else the deepest route that adds to the path.
 */
function actionTarget(
  matches: { route: RouteObject }[],
  search: string,
  table: Table,
): { module: Module } {
  const leaf = matches.at(-1)!;
  const index = new URLSearchParams(search).getAll("index").includes("");
  if (leaf.route.index && index) return table.byId.get(leaf.route.id!)!;
  const contributing = matches.filter((m, i) => i === 0 || (m.route.path ?? "") !== "");
  return table.byId.get(contributing.at(-1)!.route.id!)!;
}

function allowOnly(req: ExpressRequest, allow: readonly string[]): void {
  if (allow.includes(req.method)) return;
  throw new AppError(
    "method_not_allowed",
    `This address answers ${allow.join(", ")} only.`,
    undefined,
    {
      headers: { Allow: allow.join(", ") },
    },
  );
}

function thingOf(pattern: string, name: string): string {
  const segments = pattern.split("/");
  const before = segments[segments.indexOf(`:${name}`) - 1] ?? "";
  return things[before] ?? "page";
}

function hasBody(req: ExpressRequest): boolean {
  return req.get("transfer-encoding") !== undefined || Number(req.get("content-length") ?? 0) > 0;
}

function unsupported(types: string): AppError {
  return new AppError("unsupported_type", `Send the body as ${types}.`);
}

/** The whole body, refused (413) as soon as it passes `limit`. */
function readBody(
  req: ExpressRequest,
  res: ExpressResponse,
  limit: number,
): Promise<Buffer<ArrayBuffer>> {
  const tooLarge = new AppError("too_large", `The body may be at most ${limit} bytes.`, {
    limit,
  });
  if (Number(req.get("content-length") ?? 0) > limit) return Promise.reject(tooLarge);
  return new Promise((resolve, reject) => {
    const parts: Buffer<ArrayBuffer>[] = [];
    let size = 0;
    const onData = (chunk: Buffer<ArrayBuffer>) => {
      size += chunk.length;
      if (size <= limit) return void parts.push(chunk);
      // Stop keeping it; let the rest drain, and close the connection after the answer.
      req.off("data", onData);
      req.resume();
      res.set("connection", "close");
      reject(tooLarge);
    };
    req.on("data", onData);
    req.once("end", () => resolve(Buffer.concat(parts)));
    req.once("error", reject);
  });
}
