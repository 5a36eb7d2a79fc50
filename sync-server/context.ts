import type { WebSocket } from "ws";
import type { Access } from "./access";

/**
 * What the sync server keeps with each connection (Hocuspocus's context):
 * the person's access, and the socket to close it whole (see CLOSE). Its own
 * module, so the server and its extensions (classPush) share it without
 * importing each other.
 */
export interface SyncContext extends Access {
  socket: WebSocket;
}
