import { watch } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { broadcastDevReady, createRequestHandler, type ServerBuild } from "@remix-run/node";
import express, { type ErrorRequestHandler } from "express";
import type { Config } from "../core/platform/config";
import { logFailure } from "../core/platform/errors";
import type { Readiness } from "../core/platform/health";
import type { Logger } from "../core/platform/logger";
import type { OpenDatabase } from "../core/platform/database";
import type { PipelineTrigger } from "../core/classes/pipelineTrigger";
import { createClassEventHub, type ClassEventHub } from "../core/log/classEvents";
import { mediaFromConfig } from "../core/media/livekit";
import { createMailer } from "../core/platform/mailer";
import { egressOutputFrom } from "../core/media/recording";
import { createStorage } from "../core/platform/storage";
import { createAuth } from "./auth.server";
import { CLIENT_IP_HEADER } from "./authApi.server";
import type { LecternContext } from "./context";
import { rejectCrossSiteWrites } from "./csrf.server";
import { httpErrorOf, sendError } from "./httpError.server";
import { sendFetchResponse, toFetchRequest } from "./remixAdapter.server";
import { checkedBody, requestGuard } from "./requestGuard.server";
import { requestContext } from "./requestContext.server";

export interface WebDeps {
  config: Config;
  db: OpenDatabase;
  log: Logger;
  readiness: Readiness;
  /** The process's class event feed, when it is shared with the sync server (ROLE=all). */
  classEvents?: ClassEventHub;
  /** Queues a class's artifact pipeline with the event that calls for it (jobs/pipeline.ts). */
  pipeline?: PipelineTrigger;
}

const BUILD_PATH = path.resolve("build/index.js");
const VERSION_PATH = path.resolve("build/version.txt");

export interface WebApp {
  app: express.Express;
  /** Stop what the app holds open besides the database (the event listener). */
  close(): Promise<void>;
}

/** The web role: static assets and the Remix app behind request ids and logging. */
export async function createWebApp(deps: WebDeps): Promise<WebApp> {
  const { config, log } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.use(requestContext(log));
  app.use(rejectCrossSiteWrites(config.APP_URL));
  // The client address better-auth rate-limits on: from the socket (or a trusted
  // proxy, per "trust proxy"), never from what the client claims.
  app.use((req, _res, next) => {
    req.headers[CLIENT_IP_HEADER] = req.ip ?? req.socket.remoteAddress ?? "unknown";
    next();
  });
  const mailer = createMailer({
    db: deps.db.db,
    log,
    smtpUrl: config.SMTP_URL,
    from: config.MAIL_FROM,
  });
  const auth = createAuth({ config, directory: deps.db.directory, mailer });
  const media = mediaFromConfig(config);
  const storage = createStorage(config);
  const ownFeed = !deps.classEvents;
  const classEvents =
    deps.classEvents ??
    (await createClassEventHub({ pool: deps.db.pool, listenUrl: deps.db.url, log }));

  // Fingerprinted assets can be cached forever; the rest of public/ for an hour.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  // pdf.js and its worker and fonts, for rendering slides in the browser (the installed package).
  const pdfjs = path.resolve("node_modules/pdfjs-dist");
  app.use(
    "/vendor/pdfjs/standard_fonts",
    express.static(path.join(pdfjs, "standard_fonts"), { maxAge: "7d" }),
  );
  app.use("/vendor/pdfjs", express.static(path.join(pdfjs, "build"), { maxAge: "7d" }));

  let build = await loadBuild();
  if (config.NODE_ENV === "development") {
    watchBuild(log, async () => {
      build = await loadBuild();
      await broadcastDevReady(build);
    });
  }
  // Malformed addresses, ids, methods and bodies get a typed 4xx here, before any route code.
  app.use(requestGuard(() => build));
  const handleRequest = createRequestHandler(async () => build, config.NODE_ENV);
  // Mounted with `use`, not `all("*")`: Express would decode the path as a parameter first.
  app.use((req, res, next) => {
    const context: LecternContext = {
      ...deps,
      auth,
      mailer,
      media,
      storage,
      egressOutput: egressOutputFrom(config),
      classEvents,
      requestId: String(res.locals.requestId),
    };
    handleRequest(toFetchRequest(req, res, checkedBody(res)), context)
      .then((response) => sendFetchResponse(res, response))
      .catch(next);
  });
  app.use(lastResort(log));
  return { app, close: async () => (ownFeed ? classEvents.close() : undefined) };
}

/** Tell the Remix dev server this process is serving the current build. */
export async function announceDevReady(): Promise<void> {
  await broadcastDevReady(await loadBuild());
}

async function loadBuild(): Promise<ServerBuild> {
  // A query string makes Node re-evaluate the module after a rebuild.
  return import(`${pathToFileURL(BUILD_PATH).href}?t=${Date.now()}`) as Promise<ServerBuild>;
}

function watchBuild(log: Logger, reload: () => Promise<void>): void {
  let timer: NodeJS.Timeout | undefined;
  watch(path.dirname(VERSION_PATH), (_event, file) => {
    if (file !== path.basename(VERSION_PATH)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      reload().then(
        () => log.info("reloaded the app build"),
        (error: unknown) => log.error({ err: error }, "could not reload the app build"),
      );
    }, 50);
  });
}

/** Errors that escape Remix (or happen before it): never a stack trace to the client. */
function lastResort(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = httpErrorOf(err);
    logFailure(log, err, error, "request failed outside the app");
    if (res.headersSent) return res.end();
    sendError(req, res, error);
  };
}
