import type { Config } from "../core/config";
import type { Readiness } from "../core/health";
import type { Logger } from "../core/logger";
import type { ClassEventHub } from "../core/classEvents";
import type { Mailer } from "../core/mailer";
import type { MediaService } from "../core/media";
import type { RecordingDeps } from "../core/recording";
import type { Storage } from "../core/storage";
import type { OpenDatabase } from "../core/database";
import type { Auth } from "./auth.server";

/** What the server entry hands every loader and action (see app/web.server.ts). */
// A type alias (not an interface) so it fits AppLoadContext's index signature.
export type LecternContext = {
  config: Config;
  db: OpenDatabase;
  auth: Auth;
  mailer: Mailer;
  /** LiveKit, or null when audio/video is not configured. */
  media: MediaService | null;
  storage: Storage;
  egressOutput: RecordingDeps["egressOutput"];
  classEvents: ClassEventHub;
  log: Logger;
  readiness: Readiness;
  requestId: string;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LecternContext {}
}
