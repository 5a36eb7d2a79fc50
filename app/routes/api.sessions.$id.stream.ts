import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventFor } from "../../core/log/classAudience";
import { afterSchema, classReader } from "~/services/classFeed.server";
import { apiRoute } from "~/utils/api";

const KEEPALIVE_MS = 20_000;

/**
 * GET: the class's events as server-sent events (`id:` is the sequence), from
 * `?after=` or the `Last-Event-ID` a reconnecting EventSource sends. Read from
 * the log, so a reconnect never misses or repeats one. Each person sees only
 * what is theirs to see (core/classAudience.ts).
 */
export const loader = apiRoute(async ({ request, context, params }: LoaderFunctionArgs) => {
  const { actor, session, viewer } = await classReader(request, context, params.id!);
  const after = afterSchema.parse(
    request.headers.get("last-event-id") ??
      new URL(request.url).searchParams.get("after") ??
      undefined,
  );
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      write("retry: 2000\n\n");
      const unsubscribe = await context.classEvents.subscribe(
        { tenantId: actor.tenantId, sessionId: session.id, after },
        (events) => {
          for (const event of events.map((e) => eventFor(viewer, e))) {
            if (event)
              write(`id: ${event.sequence}\nevent: class\ndata: ${JSON.stringify(event)}\n\n`);
          }
        },
      );
      const keepAlive = setInterval(() => write(": keep-alive\n\n"), KEEPALIVE_MS);
      stop = () => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      request.signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
