/**
 * The viewers of `npm run bench:sync` and `npm run bench:chat`, in a worker
 * thread: real providers, on their own event loop, so that hundreds of
 * viewers receiving do not delay the senders measured on the main thread.
 * They watch either the board (keys of `board:main`) or the class's pushed
 * events (chat message bodies). Reports, per key, when the last viewer had it
 * (epoch ms) and how many times a viewer got a key it already had.
 */
import { parentPort } from "node:worker_threads";
import { HocuspocusProvider } from "@hocuspocus/provider";
import * as Y from "yjs";

export type Watch = "board" | "chat";

type Command =
  | { type: "connect"; url: string; name: string; tokens: string[]; watch: Watch }
  | { type: "collect"; keys: string[]; timeoutMs: number };

const now = () => performance.timeOrigin + performance.now();
let viewers: HocuspocusProvider[] = [];
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
        const seen = new Set<string>();
        const arrived = (key: string, at: number) => {
          if (seen.has(key)) {
            overDelivered += 1;
            return;
          }
          seen.add(key);
          const count = (arrivals.get(key) ?? 0) + 1;
          arrivals.set(key, count);
          if (count === command.tokens.length) complete.set(key, at);
        };
        const provider = new HocuspocusProvider({
          url: `${command.url.replace("http", "ws")}/sync`,
          name: command.name,
          document: doc,
          token,
          onStateless: ({ payload }) => {
            if (command.watch !== "chat") return;
            const at = now();
            const pushed = JSON.parse(payload) as {
              events?: { type: string; payload: { body?: string } }[];
            };
            for (const event of pushed.events ?? []) {
              if (event.type === "chat.posted" && event.payload.body) {
                arrived(event.payload.body, at);
              }
            }
          },
        });
        if (command.watch === "board") {
          doc.getMap("board:main").observe((event) => {
            const at = now();
            for (const key of event.keysChanged) arrived(key, at);
          });
        }
        await until(() => provider.isSynced, 30_000);
        return provider;
      });
      viewers.push(...(await Promise.all(batch)));
    }
    parentPort!.postMessage({ type: "ready", viewers: viewers.length });
  } else {
    await until(() => command.keys.every((key) => complete.has(key)), command.timeoutMs).catch(
      () => {},
    );
    for (const provider of viewers) provider.destroy();
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
