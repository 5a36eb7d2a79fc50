import * as Y from "yjs";

type ID = { client: number; clock: number };
type DecodedItem = {
  id: ID;
  length: number;
  parent: string | ID | null;
  parentSub: string | null;
  origin: ID | null;
  rightOrigin: ID | null;
  content: unknown;
};

/** A key set directly on a top-level map, e.g. `slides[deckId] = page`. */
export interface RootEntry {
  root: string;
  key: string;
  value: unknown;
}

/**
 * The top-level types (e.g. `board:<scene>`) an incoming Yjs update would
 * change, worked out from the update itself and the document it is for,
 * without applying it: the sync server decides on that whether the sender
 * may make the change. Returns null when an item's place cannot be found (the
 * update depends on something the document does not have): such an update is
 * refused rather than guessed at.
 */
export function updateRoots(doc: Y.Doc, update: Uint8Array): Set<string> | null {
  return readUpdate(doc, update)?.roots ?? null;
}

/**
 * The roots an update changes and the keys it sets directly on top-level maps
 * (with their new values), or null when its place cannot be found.
 */
export function readUpdate(
  doc: Y.Doc,
  update: Uint8Array,
): { roots: Set<string>; entries: RootEntry[] } | null {
  const { structs, ds } = Y.decodeUpdate(update) as unknown as {
    structs: DecodedItem[];
    ds: { clients: Map<number, { clock: number; len: number }[]> };
  };
  const items = structs.filter((s) => s instanceof Y.Item) as DecodedItem[];
  const byClient = new Map<number, DecodedItem[]>();
  for (const item of items) {
    const list = byClient.get(item.id.client) ?? [];
    list.push(item);
    byClient.set(item.id.client, list);
  }
  const inUpdate = (id: ID) =>
    byClient
      .get(id.client)
      ?.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);

  const rootOfExisting = (id: ID): string | null => {
    let item: Y.Item;
    try {
      item = Y.getItem(doc.store, id as Y.ID) as Y.Item;
    } catch {
      return null;
    }
    let type = item.parent as Y.AbstractType<unknown> | null;
    while (type?._item) type = type._item.parent as Y.AbstractType<unknown>;
    return type ? Y.findRootTypeKey(type) : null;
  };

  /** For an item placed by a neighbour, the neighbour's map key and whether it sits on a root. */
  const placeOfExisting = (id: ID): { key: string | null; onRoot: boolean } => {
    try {
      const item = Y.getItem(doc.store, id as Y.ID) as Y.Item;
      return {
        key: item.parentSub,
        onRoot: (item.parent as Y.AbstractType<unknown>)?._item === null,
      };
    } catch {
      return { key: null, onRoot: false };
    }
  };
  const placeOf = (item: DecodedItem): { key: string | null; onRoot: boolean } => {
    if (typeof item.parent === "string") return { key: item.parentSub, onRoot: true };
    if (item.parent) return { key: item.parentSub, onRoot: false };
    const neighbour = item.origin ?? item.rightOrigin;
    if (!neighbour) return { key: null, onRoot: false };
    const local = inUpdate(neighbour);
    return local ? placeOf(local) : placeOfExisting(neighbour);
  };

  const seen = new Map<DecodedItem, string | null>();
  const rootOf = (item: DecodedItem): string | null => {
    if (seen.has(item)) return seen.get(item)!;
    seen.set(item, null); // cycles in a malformed update resolve to "unknown"
    let root: string | null = null;
    if (typeof item.parent === "string") root = item.parent;
    else if (item.parent) {
      // The parent is a nested type: the item that holds it, here or in the document.
      const holder = inUpdate(item.parent);
      root = holder ? rootOf(holder) : rootOfExisting(item.parent);
    } else {
      // Parent info is left out when a neighbour is known: same parent as the neighbour.
      const neighbour = item.origin ?? item.rightOrigin;
      if (neighbour) {
        const local = inUpdate(neighbour);
        root = local ? rootOf(local) : rootOfExisting(neighbour);
      }
    }
    seen.set(item, root);
    return root;
  };

  const roots = new Set<string>();
  const entries: RootEntry[] = [];
  for (const item of items) {
    const root = rootOf(item);
    if (root === null) return null;
    roots.add(root);
    const place = placeOf(item);
    const content = item.content as { arr?: unknown[] };
    if (place.onRoot && place.key !== null && Array.isArray(content.arr)) {
      entries.push({ root, key: place.key, value: content.arr.at(-1) });
    }
  }
  for (const [client, ranges] of ds.clients) {
    for (const { clock } of ranges) {
      const local = inUpdate({ client, clock });
      const root = local ? rootOf(local) : rootOfExisting({ client, clock });
      // Deleting what the document never had changes nothing.
      if (root !== null) roots.add(root);
    }
  }
  return { roots, entries };
}

/**
 * Where an update's items stand against the document, from its header alone
 * (cheap: no decoding of contents, no walk over the document).
 * - `missesEarlier`: it builds on changes of its sender the document has not
 *   seen yet. A provider that reconnects mid-drawing sends new strokes before
 *   its catch-up (sync step 2); applied now they would wait inside Yjs as
 *   "pending" and come back inside the catch-up, to be logged twice.
 * - `someKnown` / `allKnown`: the document already has some / all of its items
 *   (a re-sent update).
 */
export function standing(doc: Y.Doc, update: Uint8Array) {
  const { from, to } = Y.parseUpdateMeta(update);
  let missesEarlier = false;
  let someKnown = false;
  let allKnown = true;
  for (const [client, clock] of from) {
    const state = Y.getState(doc.store, client);
    if (clock > state) missesEarlier = true;
    if (clock < state) someKnown = true;
    if ((to.get(client) ?? 0) > state) allKnown = false;
  }
  return { missesEarlier, someKnown, allKnown };
}

/** True when applying the update would change nothing (a re-sent or empty update). */
export function changesNothing(
  doc: Y.Doc,
  update: Uint8Array,
  known = standing(doc, update),
): boolean {
  // New items always change something; only deletions need the full check.
  if (!known.allKnown) return false;
  return Y.snapshotContainsUpdate(Y.snapshot(doc), update);
}
