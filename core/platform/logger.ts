import { pino, type DestinationStream, type Logger } from "pino";
import { currentRequestId } from "./requestContext";

export type { Logger };

/** JSON logs; every line written while serving a request carries its id. */
export function createLogger(
  level: string,
  options: { name?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      name: options.name ?? "lectern",
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: { paths: ["*.password", "*.authorization", "*.cookie"], censor: "***" },
    },
    options.destination,
  );
}
