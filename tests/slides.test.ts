import { describe, expect, it } from "vitest";
import { eventTypes } from "./support/classFixtures";
import { makePdf } from "./support/pdf";
import { classroomHarness } from "./support/syncClients";
import type { Browser } from "./support/webApp";

const harness = classroomHarness();
const { owner } = harness;

const upload = (browser: Browser, sessionId: string, bytes: Uint8Array, name = "Moon phases.pdf") =>
  browser.api(`/api/sessions/${sessionId}/decks?name=${encodeURIComponent(name)}`, {
    body: bytes,
    headers: { "content-type": "application/pdf" },
  });

describe("slide decks (real web app, real Postgres, local storage)", () => {
  it("stores a teacher's PDF, announces it, and serves it to the class", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    const pdf = makePdf(3);
    const response = await upload(teacher, sessionId, pdf);
    expect(response.status).toBe(201);
    const { deck } = (await response.json()) as {
      deck: { deckId: string; name: string; pages: number };
    };
    expect(deck).toMatchObject({ name: "Moon phases.pdf", pages: 3 });
    expect(await eventTypes(owner.pool, sessionId)).toContain("slides.deck_added");

    const listed = await student.get(`/api/sessions/${sessionId}/decks`);
    expect(((await listed.json()) as { decks: unknown[] }).decks).toEqual([deck]);
    const file = await student.get(`/api/sessions/${sessionId}/decks/${deck.deckId}`);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(pdf);
  });

  it("refuses students, files that are not PDFs, broken PDFs and oversized uploads, storing nothing", async () => {
    const { sessionId, teacher, student } = await harness.sync.liveClass();
    expect((await upload(student, sessionId, makePdf(1))).status).toBe(403);

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const notPdf = await upload(teacher, sessionId, png, "slides.pdf");
    expect(notPdf.status).toBe(415);
    expect(((await notPdf.json()) as { error: { message: string } }).error.message).toMatch(
      /not a PDF/,
    );

    const broken = await upload(teacher, sessionId, new TextEncoder().encode("%PDF-1.4\n garbage"));
    expect(broken.status).toBe(422);

    const huge = new Uint8Array(21 * 1_048_576);
    huge.set(new TextEncoder().encode("%PDF-1.4\n"));
    expect((await upload(teacher, sessionId, huge)).status).toBe(413);

    expect(await eventTypes(owner.pool, sessionId)).not.toContain("slides.deck_added");
  });

  it("keeps decks inside their class", async () => {
    const { sessionId, teacher } = await harness.sync.liveClass();
    const { deck } = (await (await upload(teacher, sessionId, makePdf(1))).json()) as {
      deck: { deckId: string };
    };
    const outsider = await harness.sync.as("student2");
    const response = await outsider.get(`/api/sessions/${sessionId}/decks/${deck.deckId}`);
    expect(response.status).toBe(403);
    const other = await harness.sync.liveClass();
    const elsewhere = await teacher.get(`/api/sessions/${other.sessionId}/decks/${deck.deckId}`);
    expect(elsewhere.status).toBe(404);
  });
});
