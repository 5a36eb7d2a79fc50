import { AsyncLocalStorage } from "node:async_hooks";

export interface RequestContext {
  requestId: string;
}

/**
 * The server entry and the Remix server bundle each get their own copy of this
 * module, so the storage lives on globalThis: both copies must see the same
 * request id.
 */
const key = Symbol.for("lectern.requestContext");
const holder = globalThis as typeof globalThis & {
  [key]?: AsyncLocalStorage<RequestContext>;
};
const storage = (holder[key] ??= new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Reuse a proxy's request id when it looks sane, otherwise mint one. */
export function requestIdFrom(header: string | undefined | null): string {
  return header && REQUEST_ID.test(header) ? header : crypto.randomUUID();
}
