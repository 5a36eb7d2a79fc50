import * as Y from "yjs";

/**
 * How big each class's document is (SYNC_MAX_DOCUMENT_BYTES), without encoding
 * it on every change (that is the hot path): the bytes of every update applied
 * to it, its load included, Redis-relayed ones too. That over-counts what
 * deletions free, so before refusing a change the document is measured once,
 * if the estimate has grown by an eighth of the limit since it last was.
 * Concurrent changes of one class are checked before either is applied, so the
 * document may pass the limit by those few changes.
 */
export class DocumentSizes {
  private readonly sizes = new WeakMap<Y.Doc, { bytes: number; measured: number }>();

  constructor(private readonly maxBytes: number) {}

  /** Count from now on (before the document is loaded, so its load counts). */
  track(doc: Y.Doc): void {
    const size = { bytes: 0, measured: 0 };
    this.sizes.set(doc, size);
    doc.on("update", (update: Uint8Array) => {
      size.bytes += update.byteLength;
    });
  }

  /** Whether `bytes` more keep the document within its limit. */
  fits(doc: Y.Doc, bytes: number): boolean {
    const size = this.sizes.get(doc);
    if (!size || size.bytes + bytes <= this.maxBytes) return true;
    if (size.bytes - size.measured > this.maxBytes / 8) {
      size.bytes = size.measured = Y.encodeStateAsUpdate(doc).byteLength;
    }
    return size.bytes + bytes <= this.maxBytes;
  }
}
