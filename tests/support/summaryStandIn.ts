import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for an OpenAI-compatible chat endpoint (POST …/chat/completions):
 * it answers with one summary per chapter it was sent, or fails as told, and
 * keeps what it was asked.
 */
export async function startSummaryStandIn(behaviour: "answer" | "fail" | "garbage" = "answer") {
  const requests: {
    authorization?: string;
    body: { model: string; messages: { content: string }[] };
  }[] = [];
  const server = createServer(async (request, response) => {
    const body = JSON.parse(await read(request)) as (typeof requests)[number]["body"];
    requests.push({ authorization: request.headers.authorization, body });
    if (behaviour === "fail") {
      response.writeHead(503, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "overloaded" } }));
      return;
    }
    const material = JSON.parse(body.messages.at(-1)!.content) as {
      chapter: number;
      title: string;
    }[];
    const content =
      behaviour === "garbage"
        ? "I'd rather not."
        : JSON.stringify({
            chapters: material.map((c) => ({
              chapter: c.chapter,
              summary: `Model summary of ${c.title}.`,
            })),
          });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ choices: [{ message: { role: "assistant", content } }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
