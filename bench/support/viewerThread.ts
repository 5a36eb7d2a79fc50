import { Worker } from "node:worker_threads";
import type { Watch } from "./viewers";

/** The viewers' worker thread (bench/support/viewers.ts), one request at a time. */
export function viewersWorker() {
  const worker = new Worker(new URL("./viewers.ts", import.meta.url));
  const ask = <T>(command: object) =>
    new Promise<T>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.postMessage(command);
    });
  return {
    connect: (url: string, name: string, tokens: string[], watch: Watch) =>
      ask<{ viewers: number }>({ type: "connect", url, name, tokens, watch }),
    collect: (keys: string[], timeoutMs: number) =>
      ask<{ complete: Record<string, number>; overDelivered: number }>({
        type: "collect",
        keys,
        timeoutMs,
      }),
    close: () => worker.terminate(),
  };
}
