import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { connectStudio, NOTICE, type StudioSnapshot } from "../app/components/studio/studioSync";
import { CLOSE } from "../sync-server/closeCodes";
import { MESSAGE_ENVELOPE_BYTES } from "../sync-server/limits";
import { eventTypes } from "./support/classFixtures";
import {
  acknowledged,
  authenticate,
  closeBody,
  frame,
  OPCODE,
  RawWebSocket,
  tcp,
  updateMessage,
} from "./support/rawWebSocket";
import { board, classroomHarness, until } from "./support/syncClients";

/*
 * What arrives on the sync server's socket is not trusted: raw bytes on a real
 * TCP connection after a real upgrade, before and after authenticating with a
 * real sync token. Each case checks that only the offender's socket ends, with
 * the close code RFC 6455 calls for, and that the process, /healthz and the rest
 * of the class carry on. (One such frame used to end web, sync and jobs at once.)
 */

const LIMITS = {
  maxFrameBytes: 256 * 1024,
  maxUpdateBytes: 64 * 1024,
  maxDocumentBytes: 640 * 1024,
};
const harness = classroomHarness({ limits: LIMITS });
const { owner } = harness;

const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);
let liveClass: Awaited<ReturnType<typeof harness.sync.liveClass>>;
let host: Awaited<ReturnType<typeof harness.sync.open>>;
let viewer: Awaited<ReturnType<typeof harness.sync.open>>;

beforeAll(async () => {
  process.on("uncaughtException", record);
  liveClass = await harness.sync.liveClass();
  host = await harness.sync.open(liveClass.teacher, liveClass.sessionId);
  viewer = await harness.sync.open(liveClass.student, liveClass.sessionId);
});
afterAll(() => {
  process.off("uncaughtException", record);
});
// Each case answers for what reached the process while it ran.
beforeEach(() => {
  uncaught.length = 0;
});

/** Nothing reached the process, /healthz is green, and the class still syncs, its sockets untouched. */
async function expectClassCarriesOn() {
  expect(uncaught).toEqual([]);
  expect((await fetch(`${harness.app.url}/healthz`)).status).toBe(200);
  const key = `shape-${randomUUID()}`;
  board(host.doc).set(key, "still drawing");
  await until(() => board(viewer.doc).get(key) === "still drawing");
  await until(() => !host.provider.hasUnsyncedChanges);
  expect([...host.closes, ...viewer.closes]).toEqual([]);
}

async function rawSocket(authenticated: boolean) {
  const raw = await RawWebSocket.open(harness.app.url);
  if (authenticated) {
    const { token, document } = await harness.sync.syncToken(
      liveClass.teacher,
      liveClass.sessionId,
    );
    await authenticate(raw, document, token);
  }
  return raw;
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (length: number) => new Uint8Array(length).fill(0x61);
const protocolError = CLOSE.protocolError;

const violations: {
  name: string;
  frames: () => Buffer[];
  close: { code: number; reason: string };
}[] = [
  {
    name: "a text frame with invalid UTF-8",
    frames: () => [frame({ opcode: OPCODE.text, payload: new Uint8Array([0x68, 0xc3, 0x28]) })],
    close: CLOSE.invalidData,
  },
  {
    name: "a text frame (the protocol is binary)",
    frames: () => [frame({ opcode: OPCODE.text, payload: utf8("hello") })],
    close: CLOSE.notBinary,
  },
  {
    name: "a reserved data opcode (0x3)",
    frames: () => [frame({ opcode: 0x3, payload: bytes(4) })],
    close: protocolError,
  },
  {
    name: "a reserved control opcode (0xB)",
    frames: () => [frame({ opcode: 0xb })],
    close: protocolError,
  },
  {
    name: "an unmasked client frame",
    frames: () => [frame({ opcode: OPCODE.binary, payload: bytes(8), masked: false })],
    close: protocolError,
  },
  {
    name: "RSV1 set without compression",
    frames: () => [frame({ opcode: OPCODE.binary, payload: bytes(8), rsv1: true })],
    close: protocolError,
  },
  {
    name: "a control frame over 125 bytes",
    frames: () => [frame({ opcode: OPCODE.ping, payload: bytes(126) })],
    close: protocolError,
  },
  {
    name: "a fragmented ping",
    frames: () => [frame({ opcode: OPCODE.ping, payload: bytes(4), fin: false })],
    close: protocolError,
  },
  {
    name: "a continuation frame with nothing to continue",
    frames: () => [frame({ opcode: OPCODE.continuation, payload: bytes(4) })],
    close: protocolError,
  },
  {
    name: "a close frame with an invalid code (999)",
    frames: () => [frame({ opcode: OPCODE.close, payload: closeBody(999) })],
    close: protocolError,
  },
  {
    name: "a close frame with a reserved code (1005)",
    frames: () => [frame({ opcode: OPCODE.close, payload: closeBody(1005) })],
    close: protocolError,
  },
  {
    name: "a close frame with a one-byte body",
    frames: () => [frame({ opcode: OPCODE.close, payload: new Uint8Array([3]) })],
    close: protocolError,
  },
  {
    name: "a close frame whose reason is not UTF-8",
    frames: () => [
      frame({ opcode: OPCODE.close, payload: closeBody(1000, new Uint8Array([0xff, 0xfe])) }),
    ],
    close: CLOSE.invalidData,
  },
  {
    name: "a length header beyond the frame limit (and no payload)",
    frames: () => [frame({ opcode: OPCODE.binary, declaredLength: 2 ** 40 })],
    close: CLOSE.tooLarge,
  },
  {
    name: "a frame over the frame limit",
    frames: () => [frame({ opcode: OPCODE.binary, payload: bytes(LIMITS.maxFrameBytes + 1) })],
    close: CLOSE.tooLarge,
  },
  {
    name: "a fragmented message over the frame limit",
    frames: () => [
      frame({ opcode: OPCODE.binary, payload: bytes(LIMITS.maxFrameBytes / 2), fin: false }),
      frame({ opcode: OPCODE.continuation, payload: bytes(LIMITS.maxFrameBytes / 2 + 1) }),
    ],
    close: CLOSE.tooLarge,
  },
  {
    name: "a message over the update limit, within the frame limit",
    frames: () => [
      frame({
        opcode: OPCODE.binary,
        payload: bytes(LIMITS.maxUpdateBytes + MESSAGE_ENVELOPE_BYTES + 1),
      }),
    ],
    close: CLOSE.tooLarge,
  },
];

describe("the sync server's socket, given WebSocket protocol violations", () => {
  for (const authenticated of [false, true]) {
    const when = authenticated ? "after authenticating" : "before authenticating";
    it.each(violations)(`$name, ${when}: that socket alone closes`, async ({ frames, close }) => {
      const raw = await rawSocket(authenticated);
      for (const bytes of frames()) raw.write(bytes);
      const received = await raw.closeFrame();
      await raw.ended;
      expect(uncaught).toEqual([]);
      expect(received).toEqual(close);
      await expectClassCarriesOn();
    });
  }

  it("refuses one update over the update limit with 1009 and the reason: not applied, acknowledged or logged", async () => {
    const raw = await rawSocket(true);
    const before = acknowledged(raw);
    // A change the teacher may make, refused for its size alone.
    const doc = new Y.Doc();
    let update: Uint8Array = new Uint8Array();
    doc.on("update", (u: Uint8Array) => (update = u));
    board(doc).set("huge", "x".repeat(LIMITS.maxUpdateBytes));
    expect(update.byteLength).toBeGreaterThan(LIMITS.maxUpdateBytes);
    expect(update.byteLength).toBeLessThan(LIMITS.maxUpdateBytes + MESSAGE_ENVELOPE_BYTES);
    raw.sendBinary(updateMessage(`session:${liveClass.sessionId}`, update));
    expect(await raw.closeFrame()).toEqual(CLOSE.tooLarge);
    await raw.ended;
    await expectClassCarriesOn();
    expect(acknowledged(raw)).toBe(before);
    expect(board(viewer.doc).has("huge")).toBe(false);
    expect(board(host.doc).has("huge")).toBe(false);
    const { rows } = await owner.pool.query<{ n: number }>(
      `select count(*)::int as n from session_state_events
        where session_id = $1 and length(yjs_update) > $2`,
      [liveClass.sessionId, LIMITS.maxUpdateBytes],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("refuses a change that would take the class's document past its limit (1009), after taking those that fit", async () => {
    const { sessionId, teacher } = await harness.sync.liveClass();
    const { token, document } = await harness.sync.syncToken(teacher, sessionId);
    const raw = await RawWebSocket.open(harness.app.url);
    await authenticate(raw, document, token);
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on("update", (u: Uint8Array) => updates.push(u));
    // Each under the update limit; twelve of them are more than the document may hold.
    for (let i = 0; i < 12; i += 1) board(doc).set(`page${i}`, "y".repeat(60 * 1024));
    let sent = 0;
    for (const update of updates) {
      raw.sendBinary(updateMessage(document, update));
      sent += 1;
      await until(
        () => acknowledged(raw) === sent || raw.frames.some((f) => f.opcode === OPCODE.close),
      );
      if (acknowledged(raw) < sent) break;
    }
    expect(await raw.closeFrame()).toEqual(CLOSE.documentFull);
    const taken = acknowledged(raw);
    expect(taken).toBeGreaterThan(5);
    expect(taken).toBeLessThan(12);
    const logged = (await eventTypes(owner.pool, sessionId)).filter(
      (t) => t === "whiteboard.updated",
    );
    expect(logged).toHaveLength(taken);
    await expectClassCarriesOn();
  });
});

describe("the sync server's socket, given errors before the upgrade completes", () => {
  const requests: { name: string; request: (host: string) => string; reset: boolean }[] = [
    {
      name: "half an upgrade request, then a reset",
      request: (host) => `GET /sync HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websock`,
      reset: true,
    },
    {
      name: "garbage instead of HTTP",
      request: () => "\x16\x03\x01\x02\x00\x01\r\n\r\n",
      reset: false,
    },
    {
      name: "an upgrade to a path that does not parse as a URL",
      request: (host) => upgradeRequest("//", host),
      reset: false,
    },
    {
      name: "an upgrade with a Host header that does not parse",
      request: () => upgradeRequest("/sync", "exa mple"),
      reset: false,
    },
    {
      name: "a complete upgrade request, then a reset before the answer",
      request: (host) => upgradeRequest("/sync", host),
      reset: true,
    },
  ];

  it.each(requests)("$name: that socket alone ends", async ({ request, reset }) => {
    const socket = await tcp(harness.app.url);
    socket.on("error", () => {});
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write(request(new URL(harness.app.url).host));
    if (reset) socket.resetAndDestroy();
    else setTimeout(() => socket.destroy(), 2_000).unref();
    await closed;
    // Give the server the moment it needs to see the reset.
    await new Promise((r) => setTimeout(r, 100));
    await expectClassCarriesOn();
  });
});

describe("the studio, when the server refuses a change as too large", () => {
  it("says so, starts again from the server's state and does not re-send the change", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const pupil = await harness.sync.open(student, sessionId);
    // Every frame the studio sends, and every socket it opens.
    const sent: number[] = [];
    let sockets = 0;
    class WatchedWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets += 1;
      }
      override send(data: Parameters<WebSocket["send"]>[0]) {
        sent.push(data instanceof Uint8Array ? data.byteLength : String(data).length);
        super.send(data);
      }
    }
    const snapshots: StudioSnapshot[] = [];
    const studio = connectStudio({
      url: `${harness.app.url.replace("http", "ws")}/sync`,
      name: `session:${sessionId}`,
      token: async () => (await harness.sync.syncToken(teacher, sessionId)).token,
      onChange: (snapshot) => snapshots.push(snapshot),
      WebSocketPolyfill: WatchedWebSocket,
    });
    try {
      const latest = () => studio.snapshot();
      await until(() => latest().state === "live");
      const first = latest().doc;
      board(first).set("kept", "a small change");
      await until(() => board(pupil.doc).get("kept") === "a small change");

      board(first).set("poster", "z".repeat(LIMITS.maxUpdateBytes + 1));
      await until(() => latest().notice === NOTICE.tooLarge && latest().state === "live");
      // A new document, the server's: the refused change is gone, the saved one is there.
      expect(latest().doc).not.toBe(first);
      expect(board(latest().doc).has("poster")).toBe(false);
      expect(board(latest().doc).get("kept")).toBe("a small change");

      // The provider reconnects within a second on its own; give it several chances.
      await new Promise((r) => setTimeout(r, 3_500));
      expect(sent.filter((size) => size > LIMITS.maxUpdateBytes)).toHaveLength(1);
      expect(sockets).toBe(2);
      expect(snapshots.filter((s) => s.state === "closed")).toEqual([]);
      expect(board(pupil.doc).has("poster")).toBe(false);

      // And the studio works on.
      board(latest().doc).set("after", "the refusal");
      await until(() => board(pupil.doc).get("after") === "the refusal");
      studio.dismissNotice();
      expect(latest().notice).toBeNull();
    } finally {
      studio.destroy();
    }
  });
});

function upgradeRequest(path: string, host: string) {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}
