import type { Config } from "../core/platform/config";
import type { Readiness } from "../core/platform/health";
import type { Logger } from "../core/platform/logger";
import type { ClassEventHub } from "../core/log/classEvents";
import type { Mailer } from "../core/platform/mailer";
import type { MediaService } from "../core/classes/media";
import type { RecordingDeps } from "../core/media/recording";
import type { Storage } from "../core/platform/storage";
import type { OpenDatabase } from "../core/platform/database";
import type { PipelineTrigger } from "../core/classes/pipelineTrigger";
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
  /** Absent when this process queues no jobs; the jobs role's sweep then finds ended classes. */
  pipeline?: PipelineTrigger;
  log: Logger;
  readiness: Readiness;
  requestId: string;
};

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends LecternContext {}
}
