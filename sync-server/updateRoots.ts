import * as Y from "yjs";

type ID = { client: number; clock: number };
type DecodedItem = {
  id: ID;
  length: number;
  parent: string | ID | null;
  origin: ID | null;
  rightOrigin: ID | null;
  content: unknown;
};

/**
 * The top-level types (e.g. `board:<scene>`) an incoming Yjs update would
 * change, worked out from the update itself and the document it is for,
 * without applying it: the sync server decides on that whether the sender
 * may make the change. Returns null when an item's place cannot be found (the
 * update depends on something the document does not have): such an update is
 * refused rather than guessed at.
 */
export function updateRoots(doc: Y.Doc, update: Uint8Array): Set<string> | null {
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
  for (const item of items) {
    const root = rootOf(item);
    if (root === null) return null;
    roots.add(root);
  }
  for (const [client, ranges] of ds.clients) {
    for (const { clock } of ranges) {
      const local = inUpdate({ client, clock });
      const root = local ? rootOf(local) : rootOfExisting({ client, clock });
      // Deleting what the document never had changes nothing.
      if (root !== null) roots.add(root);
    }
  }
  return roots;
}

/** True when applying the update would change nothing (a re-sent or empty update). */
export function changesNothing(doc: Y.Doc, update: Uint8Array): boolean {
  return Y.snapshotContainsUpdate(Y.snapshot(doc), update);
}
