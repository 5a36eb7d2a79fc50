import type { Config } from "../core/config";
import type { Readiness } from "../core/health";
import type { Logger } from "../core/logger";
import type { Mailer } from "../core/mailer";
import type { OpenDatabase } from "../core/database";
import type { Auth } from "./auth.server";

/** What the server entry hands every loader and action (see app/web.server.ts). */
// A type alias (not an interface) so it fits AppLoadContext's index signature.
export type LecternContext = {
  config: Config;
  db: OpenDatabase;
  auth: Auth;
  mailer: Mailer;
  log: Logger;
  readiness: Readiness;
  requestId: string;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LecternContext {}
}
