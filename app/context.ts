import type { Config } from "../core/config";
import type { Readiness } from "../core/health";
import type { Logger } from "../core/logger";
import type { DbHandle } from "../db/client";

/** What the server entry hands every loader and action (see app/web.server.ts). */
// A type alias (not an interface) so it fits AppLoadContext's index signature.
export type LecternContext = {
  config: Config;
  db: DbHandle;
  log: Logger;
  readiness: Readiness;
  requestId: string;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LecternContext {}
}
