/**
 * The baseline for `npm run bench:sync` and `npm run bench:chat`: plain
 * in-memory Hocuspocus (no auth, no sequencing, no database) on /sync, as its
 * own process so its CPU and memory can be read like Lectern's. For chat,
 * `POST /chat {name, body}` relays the message to the document's connections
 * as Lectern's pushes do, with no log in between. Prints its URL once listening.
 *
 *   tsx bench/support/plainSync.ts <port>
 */
import http from "node:http";
import { Hocuspocus } from "@hocuspocus/server";
import { WebSocketServer } from "ws";

const port = Number(process.argv[2] ?? 0);
const hocuspocus = new Hocuspocus({ quiet: true });
const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/chat") return void res.writeHead(200).end("ok");
  let text = "";
  req.on("data", (chunk: Buffer) => (text += chunk.toString()));
  req.on("end", () => {
    const { name, body } = JSON.parse(text) as { name: string; body: string };
    const events = [{ type: "chat.posted", payload: { body } }];
    hocuspocus.documents.get(name)?.broadcastStateless(JSON.stringify({ kind: "events", events }));
    res.writeHead(201).end();
  });
});
server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(request.headers)) {
      if (typeof value === "string") headers.set(key, value);
    }
    const connection = hocuspocus.handleConnection(
      ws,
      new Request(`http://${request.headers.host}${request.url}`, { headers }),
    );
    ws.on("message", (data: Buffer) => connection.handleMessage(new Uint8Array(data)));
    ws.on("close", (code, reason) => connection.handleClose({ code, reason: reason.toString() }));
  });
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
process.on("SIGTERM", () => {
  hocuspocus.closeConnections();
  server.close(() => process.exit(0));
});
