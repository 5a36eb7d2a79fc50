import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

/**
 * A WebSocket client of bytes, not of a library: a real TCP connection and a
 * real HTTP upgrade, then whatever frames a test writes, valid or not (RFC 6455
 * section 5). It reads the server's frames back, its close frame above all.
 */

export const OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

export interface FrameOptions {
  opcode: number;
  payload?: Uint8Array;
  /** Last fragment of its message (default true). */
  fin?: boolean;
  rsv1?: boolean;
  /** Clients must mask their frames (default true). */
  masked?: boolean;
  /** The length the header announces, if not the payload's (a header with no body). */
  declaredLength?: number;
}

export function frame(options: FrameOptions): Buffer {
  const payload = Buffer.from(options.payload ?? new Uint8Array());
  const length = options.declaredLength ?? payload.length;
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | options.opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, maskBit | length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header.set([first, maskBit | 126]);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header.set([first, maskBit | 127]);
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ key[i % 4]!;
  return Buffer.concat([header, key, payload]);
}

/** A close frame's body: the code, then the reason. */
export function closeBody(code: number, reason: Uint8Array = new Uint8Array()): Buffer {
  const body = Buffer.alloc(2 + reason.length);
  body.writeUInt16BE(code, 0);
  body.set(reason, 2);
  return body;
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export class RawWebSocket {
  readonly frames: ServerFrame[] = [];
  /** Resolves when the TCP connection is gone, whoever ended it. */
  readonly ended: Promise<void>;
  private pending = Buffer.alloc(0);

  private constructor(
    readonly socket: Socket,
    rest: Buffer,
  ) {
    // The server may cut us off mid-write; that is what some tests are about.
    socket.on("error", () => {});
    this.ended = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.read(rest);
  }

  /** Connect and upgrade to a WebSocket at `path` (the sync server's by default). */
  static async open(baseUrl: string, path = "/sync"): Promise<RawWebSocket> {
    const socket = await tcp(baseUrl);
    const { host } = new URL(baseUrl);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let received = Buffer.alloc(0);
    const rest = await new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        const status = received.subarray(0, end).toString().split("\r\n")[0]!;
        if (!status.startsWith("HTTP/1.1 101")) reject(new Error(`no upgrade: ${status}`));
        else resolve(received.subarray(end + 4));
      };
      socket.on("data", onData);
      socket.once("close", () => reject(new Error("closed during the upgrade")));
    });
    return new RawWebSocket(socket, rest);
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  send(options: FrameOptions): void {
    this.write(frame(options));
  }

  sendBinary(payload: Uint8Array): void {
    this.send({ opcode: OPCODE.binary, payload });
  }

  /** The binary messages the server sent (unfragmented, as ws sends them). */
  messages(): Buffer[] {
    return this.frames.filter((f) => f.opcode === OPCODE.binary).map((f) => f.payload);
  }

  /** The server's close frame, once it comes; null if the connection ends without one. */
  async closeFrame(timeoutMs = 10_000): Promise<{ code: number; reason: string } | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const close = this.frames.find((f) => f.opcode === OPCODE.close);
      if (close) {
        return {
          code: close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 1005,
          reason: close.payload.subarray(2).toString(),
        };
      }
      if (this.socket.destroyed || Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer) {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const parsed = parseFrame(this.pending);
      if (!parsed) return;
      this.frames.push(parsed.frame);
      // As a browser would: answer the server's close frame, so it can end the connection.
      if (parsed.frame.opcode === OPCODE.close) {
        this.send({ opcode: OPCODE.close, payload: parsed.frame.payload.subarray(0, 2) });
      }
      this.pending = this.pending.subarray(parsed.size);
    }
  }
}

/** A plain TCP connection to the app's port, for what comes before (or instead of) an upgrade. */
export async function tcp(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  return socket;
}

function parseFrame(buffer: Buffer): { frame: ServerFrame; size: number } | null {
  if (buffer.length < 2) return null;
  const masked = (buffer[1]! & 0x80) !== 0;
  let length = buffer[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) {
    const key = buffer.subarray(offset - 4, offset);
    for (let i = 0; i < payload.length; i += 1) payload[i] = payload[i]! ^ key[i % 4]!;
  }
  return {
    frame: { fin: (buffer[0]! & 0x80) !== 0, opcode: buffer[0]! & 0x0f, payload },
    size: offset + length,
  };
}

/*
 * Hocuspocus messages, for a raw socket that speaks the sync protocol: each is
 * the document name, a message type, then the type's own fields.
 */

export const MESSAGE = { sync: 0, auth: 2, syncStatus: 8 } as const;

/** The provider's first message: a sync token for the document. */
export function authMessage(documentName: string, token: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, documentName);
  encoding.writeVarUint(encoder, MESSAGE.auth);
  encoding.writeVarUint(encoder, 0); // a token
  encoding.writeVarString(encoder, token);
  return encoding.toUint8Array(encoder);
}

/** A Yjs update (sync message type 2), as the provider sends each local change. */
export function updateMessage(documentName: string, update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, documentName);
  encoding.writeVarUint(encoder, MESSAGE.sync);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A server message's type, whether an auth message says "authenticated", a status "saved". */
export function readMessage(data: Uint8Array): {
  type: number;
  authenticated: boolean;
  saved: boolean;
} {
  const decoder = decoding.createDecoder(data);
  decoding.readVarString(decoder);
  const type = decoding.readVarUint(decoder);
  const detail =
    type === MESSAGE.auth || type === MESSAGE.syncStatus ? decoding.readVarUint(decoder) : -1;
  return {
    type,
    authenticated: type === MESSAGE.auth && detail === 2,
    saved: type === MESSAGE.syncStatus && detail === 1,
  };
}

/** Send the token and wait for the server to accept it. */
export async function authenticate(raw: RawWebSocket, documentName: string, token: string) {
  raw.sendBinary(authMessage(documentName, token));
  const deadline = Date.now() + 10_000;
  while (!raw.messages().some((m) => readMessage(m).authenticated)) {
    if (Date.now() > deadline || raw.socket.destroyed) throw new Error("not authenticated");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How many of its changes the server has acknowledged (SyncStatus "saved"). */
export function acknowledged(raw: RawWebSocket): number {
  return raw.messages().filter((m) => readMessage(m).saved).length;
}
