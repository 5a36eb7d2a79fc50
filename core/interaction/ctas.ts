import { and, desc, eq, isNull } from "drizzle-orm";
import QRCode from "qrcode";
import { z } from "zod";
import { ctas } from "../../db/schema";
import { withTenant, type TenantTx } from "../../db/tenantContext";
import { inThisClass } from "../classes/classPlace";
import {
  actInLiveClass,
  appendInteraction,
  newId,
  viewClass,
  type InteractionDeps,
} from "./interaction";
import type { Actor } from "../identity/permissions";

/*
 * Call-to-action cards: a teacher shows one card (title, text, link) to the
 * whole class; showing another replaces it. The QR code is drawn on the
 * server, so a phone in the room can open the link; if the card's QR or
 * layout fails in a browser, the page falls back to a plain card with the link.
 */

export const cardSchema = z.object({
  title: z.string().trim().min(1, "Give the card a title").max(200),
  body: z.string().trim().max(1_000).default(""),
  url: z.url({ protocol: /^https?$/, message: "Use a web link starting with http:// or https://" }),
});

export interface Card {
  cardId: string;
  title: string;
  body: string;
  url: string;
  shownAt: string;
}

export async function showCard(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  input: unknown,
  idempotencyKey?: string,
): Promise<Card> {
  const card = cardSchema.parse(input);
  const ctaId = newId(sessionId, actor, idempotencyKey);
  const { current, retried } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    await actInLiveClass(tx, actor, sessionId, "cta:manage", "Cards are shown in a live class.");
    const [seen] = await tx.select({ id: ctas.id }).from(ctas).where(eq(ctas.id, ctaId));
    return { current: await shownCards(tx, sessionId), retried: seen !== undefined };
  });
  // A retry of a card already shown changes nothing (whatever was hidden then stays hidden).
  if (!retried)
    await appendInteraction(
      deps,
      actor,
      sessionId,
      [
        ...current.map((c) => ({ type: "cta.hidden", payload: { ctaId: c.id } })),
        { type: "cta.shown", payload: { ctaId, ...card } },
      ],
      idempotencyKey,
    );
  const [row] = await withTenant(deps.db, actor.tenantId, (tx) =>
    tx.select().from(ctas).where(eq(ctas.id, ctaId)),
  );
  return toCard(row!);
}

export async function hideCard(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  cardId: string,
): Promise<void> {
  const card = await withTenant(deps.db, actor.tenantId, async (tx) => {
    await actInLiveClass(tx, actor, sessionId, "cta:manage", "Cards are shown in a live class.");
    return cardInClass(tx, sessionId, cardId);
  });
  // Hidden already: hiding it again changes nothing.
  if (card.hiddenAt) return;
  await appendInteraction(deps, actor, sessionId, [
    { type: "cta.hidden", payload: { ctaId: cardId } },
  ]);
}

/** The card on screen now, if any. */
export async function currentCard(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
): Promise<Card | null> {
  return withTenant(deps.db, actor.tenantId, async (tx) => {
    await viewClass(tx, actor, sessionId);
    const [row] = await shownCards(tx, sessionId);
    return row ? toCard(row) : null;
  });
}

function toCard(row: typeof ctas.$inferSelect): Card {
  return {
    cardId: row.id,
    title: row.title,
    body: row.body,
    url: row.url,
    shownAt: (row.shownAt ?? row.createdAt).toISOString(),
  };
}

/** A card's link as an SVG QR code (for anyone in the class). */
export async function cardQrSvg(
  deps: InteractionDeps,
  actor: Actor,
  sessionId: string,
  cardId: string,
): Promise<string> {
  const { url } = await withTenant(deps.db, actor.tenantId, async (tx) => {
    await viewClass(tx, actor, sessionId);
    return cardInClass(tx, sessionId, cardId);
  });
  return QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
}

async function cardInClass(tx: TenantTx, sessionId: string, cardId: string) {
  const [row] = await tx
    .select()
    .from(ctas)
    .where(and(eq(ctas.id, cardId), eq(ctas.sessionId, sessionId)));
  return inThisClass(row, "card");
}

function shownCards(tx: TenantTx, sessionId: string) {
  return tx
    .select()
    .from(ctas)
    .where(and(eq(ctas.sessionId, sessionId), isNull(ctas.hiddenAt)))
    .orderBy(desc(ctas.shownAt));
}
