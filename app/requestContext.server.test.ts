import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../core/platform/logger";
import { requestContext } from "./requestContext.server";

const lines: Record<string, unknown>[] = [];
const log = createLogger("info", {
  destination: new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }),
});

const app = express();
app.use(requestContext(log));
app.get("/work", async (_req, res) => {
  log.info("before await");
  await new Promise((resolve) => setTimeout(resolve, 5));
  log.info("after await");
  res.send("done");
});
let server: Server;
const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
beforeAll(() => new Promise<void>((resolve) => (server = app.listen(0, "127.0.0.1", resolve))));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("requestContext middleware", () => {
  it("puts one request id on the response and on every line logged during that request", async () => {
    lines.length = 0;
    const response = await fetch(`${base()}/work`);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => lines.length).toBe(3);
    expect(lines.map((l) => l.msg)).toEqual(["before await", "after await", "request"]);
    for (const line of lines) expect(line.requestId).toBe(requestId);
    expect(lines[2]).toMatchObject({ method: "GET", path: "/work", status: 200 });
  });

  it("keeps concurrent requests apart and reuses a sane incoming id", async () => {
    lines.length = 0;
    const [a, b] = await Promise.all([
      fetch(`${base()}/work`, { headers: { "x-request-id": "edge-proxy-123" } }),
      fetch(`${base()}/work`, { headers: { "x-request-id": "<script>" } }),
    ]);
    expect(a.headers.get("x-request-id")).toBe("edge-proxy-123");
    const minted = b.headers.get("x-request-id");
    expect(minted).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => lines.length).toBe(6);
    expect(lines.filter((l) => l.requestId === "edge-proxy-123")).toHaveLength(3);
    expect(lines.filter((l) => l.requestId === minted)).toHaveLength(3);
  });
});
