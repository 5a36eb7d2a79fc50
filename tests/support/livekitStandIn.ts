import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { AccessToken, TokenVerifier, type VideoGrant } from "livekit-server-sdk";

/**
 * A local stand-in for LiveKit's server API (Twirp, JSON over HTTP), for
 * tests: LiveKit itself cannot run on this machine. It speaks just enough of
 * RoomService and Egress for the real livekit-server-sdk clients, checks every
 * request's token exactly as LiveKit would (HS256 with the API secret, issued
 * by the API key, unexpired, with the grant the call needs), keeps rooms,
 * participants and egresses, records every call, and fails on demand.
 */

export interface StandInCall {
  method: string;
  body: Record<string, unknown>;
}

export interface LiveKitStandIn {
  url: string;
  apiKey: string;
  apiSecret: string;
  calls: StandInCall[];
  rooms: Map<
    string,
    { name: string; participants: Map<string, { identity: string; name: string }> }
  >;
  egresses: Map<string, { roomName: string; status: string; request: Record<string, unknown> }>;
  /** Answer the next call of `method` with a Twirp error. */
  failNext(method: string, error?: { status?: number; code?: string; msg?: string }): void;
  addParticipant(room: string, person: { identity: string; name?: string }): void;
  callsOf(method: string): StandInCall[];
  reset(): void;
  close(): Promise<void>;
}

const GRANT_FOR: Record<string, keyof VideoGrant> = {
  CreateRoom: "roomCreate",
  DeleteRoom: "roomCreate",
  ListRooms: "roomList",
  ListParticipants: "roomAdmin",
  RemoveParticipant: "roomAdmin",
  StartRoomCompositeEgress: "roomRecord",
  StopEgress: "roomRecord",
  ListEgress: "roomRecord",
};

export async function startLiveKitStandIn(
  options: { apiKey?: string; apiSecret?: string } = {},
): Promise<LiveKitStandIn> {
  const apiKey = options.apiKey ?? "standin-key";
  const apiSecret = options.apiSecret ?? "standin-secret-0123456789abcdef0123456789";
  const verifier = new TokenVerifier(apiKey, apiSecret);
  const calls: StandInCall[] = [];
  const rooms: LiveKitStandIn["rooms"] = new Map();
  const egresses: LiveKitStandIn["egresses"] = new Map();
  const failures = new Map<string, { status?: number; code?: string; msg?: string }[]>();
  let egressCounter = 0;

  const roomJson = (name: string) => ({
    sid: `RM_${createHash("sha1").update(name).digest("hex").slice(0, 12)}`,
    name,
    emptyTimeout: 300,
    creationTime: String(Math.floor(Date.now() / 1000)),
    numParticipants: rooms.get(name)?.participants.size ?? 0,
  });

  const handle = async (method: string, body: Record<string, unknown>) => {
    switch (method) {
      case "CreateRoom": {
        const name = String(body.name);
        if (!rooms.has(name)) rooms.set(name, { name, participants: new Map() });
        return roomJson(name);
      }
      case "DeleteRoom": {
        const name = String(body.room);
        if (!rooms.delete(name)) throw { status: 404, code: "not_found", msg: "room not found" };
        return {};
      }
      case "ListRooms": {
        const names = (body.names as string[] | undefined) ?? [];
        return {
          rooms: [...rooms.keys()]
            .filter((n) => names.length === 0 || names.includes(n))
            .map(roomJson),
        };
      }
      case "ListParticipants": {
        const room = rooms.get(String(body.room));
        if (!room) throw { status: 404, code: "not_found", msg: "room not found" };
        return {
          participants: [...room.participants.values()].map((p) => ({
            sid: `PA_${p.identity.slice(0, 8)}`,
            identity: p.identity,
            name: p.name,
            state: "ACTIVE",
            joinedAt: String(Math.floor(Date.now() / 1000)),
          })),
        };
      }
      case "RemoveParticipant": {
        const room = rooms.get(String(body.room));
        if (!room?.participants.delete(String(body.identity))) {
          throw { status: 404, code: "not_found", msg: "participant not found" };
        }
        return {};
      }
      case "StartRoomCompositeEgress": {
        const roomName = String(body.roomName);
        if (!rooms.has(roomName)) throw { status: 404, code: "not_found", msg: "room not found" };
        const egressId = `EG_standin${++egressCounter}`;
        egresses.set(egressId, { roomName, status: "EGRESS_ACTIVE", request: body });
        return { egressId, roomName, status: "EGRESS_STARTING" };
      }
      case "StopEgress": {
        const egressId = String(body.egressId);
        const egress = egresses.get(egressId);
        if (!egress) throw { status: 404, code: "not_found", msg: "egress not found" };
        if (egress.status !== "EGRESS_ACTIVE") {
          throw { status: 412, code: "failed_precondition", msg: "egress is not active" };
        }
        egress.status = "EGRESS_ENDING";
        return { egressId, roomName: egress.roomName, status: "EGRESS_ENDING" };
      }
      case "ListEgress":
        return {
          items: [...egresses].map(([egressId, e]) => ({
            egressId,
            roomName: e.roomName,
            status: e.status,
          })),
        };
      default:
        throw { status: 404, code: "bad_route", msg: `no handler for ${method}` };
    }
  };

  const server = http.createServer((req, res) => {
    const answer = (status: number, json: unknown) => {
      // The SDK reads Twirp errors as JSON only when the type is exactly this.
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const match = /^\/twirp\/livekit\.(RoomService|Egress)\/(\w+)$/.exec(req.url ?? "");
        if (req.method !== "POST" || !match) {
          return answer(404, { code: "bad_route", msg: "not a Twirp route" });
        }
        const method = match[2]!;
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        if (!token) return answer(401, { code: "unauthenticated", msg: "no token" });
        try {
          const claims = await verifier.verify(token);
          const needed = GRANT_FOR[method];
          if (needed && !(claims.video as VideoGrant | undefined)?.[needed]) {
            return answer(403, { code: "permission_denied", msg: `needs ${needed}` });
          }
        } catch {
          return answer(401, { code: "unauthenticated", msg: "invalid token" });
        }
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<
            string,
            unknown
          >;
        } catch {
          return answer(400, { code: "malformed", msg: "body is not JSON" });
        }
        calls.push({ method, body });
        const failure = failures.get(method)?.shift();
        if (failure) {
          return answer(failure.status ?? 503, {
            code: failure.code ?? "unavailable",
            msg: failure.msg ?? "injected failure",
          });
        }
        try {
          answer(200, await handle(method, body));
        } catch (error) {
          const e = error as { status: number; code: string; msg: string };
          answer(e.status ?? 500, { code: e.code ?? "internal", msg: e.msg ?? String(error) });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    apiSecret,
    calls,
    rooms,
    egresses,
    failNext(method, error = {}) {
      failures.set(method, [...(failures.get(method) ?? []), error]);
    },
    addParticipant(room, person) {
      rooms.get(room)?.participants.set(person.identity, {
        identity: person.identity,
        name: person.name ?? person.identity,
      });
    },
    callsOf: (method) => calls.filter((c) => c.method === method),
    reset() {
      calls.length = 0;
      rooms.clear();
      egresses.clear();
      failures.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The `Authorization` header LiveKit sends with a webhook: a token from the
 * API key whose `sha256` claim is the base64 SHA-256 of the exact body.
 */
export async function signWebhook(
  body: string,
  keys: { apiKey: string; apiSecret: string },
  options: { ttlSeconds?: number; sha256Of?: string } = {},
): Promise<string> {
  const token = new AccessToken(keys.apiKey, keys.apiSecret, { ttl: options.ttlSeconds ?? 600 });
  token.sha256 = createHash("sha256")
    .update(options.sha256Of ?? body)
    .digest("base64");
  return token.toJwt();
}

/** A webhook body as LiveKit posts it (protobuf JSON of WebhookEvent). */
export function webhookBody(event: {
  id: string;
  event: string;
  room?: string;
  participant?: { identity: string; name?: string };
  egress?: {
    egressId: string;
    status: string;
    file?: { filename: string; durationNs: number; size: number };
    error?: string;
  };
}): string {
  return JSON.stringify({
    id: event.id,
    event: event.event,
    createdAt: String(Math.floor(Date.now() / 1000)),
    ...(event.room ? { room: { sid: "RM_standin", name: event.room } } : {}),
    ...(event.participant
      ? {
          participant: {
            sid: "PA_standin",
            identity: event.participant.identity,
            name: event.participant.name ?? "",
          },
        }
      : {}),
    ...(event.egress
      ? {
          egressInfo: {
            egressId: event.egress.egressId,
            roomName: event.room ?? "",
            status: event.egress.status,
            error: event.egress.error ?? "",
            fileResults: event.egress.file
              ? [
                  {
                    filename: event.egress.file.filename,
                    duration: String(event.egress.file.durationNs),
                    size: String(event.egress.file.size),
                  },
                ]
              : [],
          },
        }
      : {}),
  });
}
