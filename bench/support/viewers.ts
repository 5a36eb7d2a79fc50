/**
 * The viewers of `npm run bench:sync`, in a worker thread: real providers that
 * apply every update, on their own event loop, so that applying updates for
 * hundreds of viewers does not delay the writers' acknowledgements measured on
 * the main thread. Reports, per key, when the last viewer had it (epoch ms).
 */
import { parentPort } from "node:worker_threads";
import { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";

type Command =
  | { type: "connect"; url: string; name: string; tokens: string[] }
  | { type: "collect"; keys: string[]; timeoutMs: number };

const now = () => performance.timeOrigin + performance.now();
let viewers: { doc: Y.Doc; provider: HocuspocusProvider }[] = [];
let arrivals = new Map<string, number>();
let complete = new Map<string, number>();
let overDelivered = 0;

parentPort!.on("message", (command: Command) => void handle(command));

async function handle(command: Command) {
  if (command.type === "connect") {
    arrivals = new Map();
    complete = new Map();
    overDelivered = 0;
    viewers = [];
    // In small batches: a stampede of handshakes is not what is measured.
    for (let i = 0; i < command.tokens.length; i += 20) {
      const batch = command.tokens.slice(i, i + 20).map(async (token) => {
        const doc = new Y.Doc();
        const provider = new HocuspocusProvider({
          url: `${command.url.replace("http", "ws")}/sync`,
          name: command.name,
          document: doc,
          token,
        });
        await until(() => provider.isSynced, 30_000);
        return { doc, provider };
      });
      viewers.push(...(await Promise.all(batch)));
    }
    for (const { doc } of viewers) {
      doc.getMap("board:main").observe((event) => {
        const at = now();
        for (const key of event.keysChanged) {
          const count = (arrivals.get(key) ?? 0) + 1;
          arrivals.set(key, count);
          if (count === viewers.length) complete.set(key, at);
          if (count > viewers.length) overDelivered += 1;
        }
      });
    }
    parentPort!.postMessage({ type: "ready", viewers: viewers.length });
  } else {
    await until(() => command.keys.every((key) => complete.has(key)), command.timeoutMs).catch(
      () => {},
    );
    for (const { provider } of viewers) provider.destroy();
    parentPort!.postMessage({
      type: "result",
      complete: Object.fromEntries(
        command.keys.flatMap((k) => (complete.has(k) ? [[k, complete.get(k)]] : [])),
      ),
      overDelivered,
    });
  }
}

async function until(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
