import { useCallback, useEffect, useRef, useState } from "react";
import { applySceneEvent, type Scene } from "../../../core/studio/scenes";
import type { DeckInfo } from "~/components/studio/Slides";
import { useStudio } from "~/components/studio/useStudio";
import type { ClassPageData } from "~/routes/class.$id";
import { callApi, newKey } from "./api";
import { useCurrentCard } from "./CallToAction";
import type { MediaGrant } from "./MediaStage";
import type { PresentPerson } from "./ParticipantList";
import { useBrowserRecorder } from "./useBrowserRecorder";
import { useClassFeed, type FeedEvent } from "./useClassFeed";

/*
 * The class as this person lives it: its status, who is here, hands, decks,
 * scenes and recording, kept current by the class feed; joining once it is
 * live, leaving when the tab closes; and what the class bar's buttons do.
 */

type Status = ClassPageData["class"]["status"];
type Recording = NonNullable<ClassPageData["recording"]>;

export function useClassroom(data: ClassPageData) {
  const id = data.class.id;
  const [status, setStatus] = useState<Status>(data.class.status);
  const [people, setPeople] = useState<PresentPerson[]>(data.people);
  const [recording, setRecording] = useState<Recording | null>(data.recording);
  const [media, setMedia] = useState<MediaGrant | null>(null);
  const [joined, setJoined] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const recorder = useBrowserRecorder();
  const [decks, setDecks] = useState<DeckInfo[]>(data.decks);
  const [scenes, setScenes] = useState<Scene[]>(data.scenes);
  const [hands, setHands] = useState<string[]>([]);
  const addDeck = useCallback(
    (deck: DeckInfo) =>
      setDecks((list) => (list.some((d) => d.deckId === deck.deckId) ? list : [...list, deck])),
    [],
  );
  // Powers that grants can change during the class (teachers have them anyway).
  const teaching = data.you.role === "host" || data.you.role === "co_teacher";
  const [canDraw, setCanDraw] = useState(data.can.draw);
  const [canPresent, setCanPresent] = useState(data.can.present);

  // Panels (chat, …) follow the same feed.
  const listeners = useRef(new Set<(events: FeedEvent[]) => void>());
  const subscribe = useCallback((listener: (events: FeedEvent[]) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const { card, reload: reloadCard } = useCurrentCard(id, subscribe);
  const onEvents = useCallback(
    (events: FeedEvent[]) => {
      for (const listener of listeners.current) listener(events);
      for (const event of events) {
        const p = event.payload;
        switch (event.type) {
          case "session.started":
            setStatus("live");
            break;
          case "session.ended":
            setStatus("ended");
            setMedia(null);
            break;
          case "session.cancelled":
            setStatus("cancelled");
            break;
          case "participant.joined":
            setPeople((list) => [
              ...list.filter((x) => x.userId !== p.userId),
              {
                userId: String(p.userId),
                name: String(p.displayName),
                role: p.role as PresentPerson["role"],
              },
            ]);
            break;
          case "participant.left":
            setPeople((list) => list.filter((x) => x.userId !== p.userId));
            break;
          case "participant.grant_changed":
            if (p.userId !== data.you.userId) break;
            if (p.grant === "can_draw") setCanDraw(teaching || p.granted === true);
            if (p.grant === "can_present") setCanPresent(teaching || p.granted === true);
            break;
          case "slides.deck_added":
            addDeck(p as unknown as DeckInfo);
            break;
          case "hand.raised":
            setHands((list) =>
              list.includes(String(p.userId)) ? list : [...list, String(p.userId)],
            );
            break;
          case "hand.lowered":
            setHands((list) => list.filter((userId) => userId !== p.userId));
            break;
          case "scene.created":
          case "scene.updated":
          case "scene.deleted":
            setScenes((list) => applySceneEvent(list, event));
            break;
          case "recording.started":
            setRecording({
              id: String(p.recordingId),
              source: p.source as Recording["source"],
              status: "recording",
            });
            break;
          case "recording.stopped":
            setRecording((r) => (r && r.id === p.recordingId ? { ...r, status: "uploading" } : r));
            break;
          case "recording.available":
            setRecording((r) => (r && r.id === p.recordingId ? { ...r, status: "available" } : r));
            break;
        }
      }
    },
    [addDeck, data.you.userId, teaching],
  );

  const studio = useStudio(id, joined && status === "live", {
    name: data.you.name,
    color: colorFor(data.you.userId),
  });

  const feed = useClassFeed(
    id,
    data.class.lastSequence,
    onEvents,
    status === "scheduled" || status === "live",
    studio.provider,
  );

  // Join once the class is live: right away, or the moment the teacher starts it.
  const joining = useRef(false);
  useEffect(() => {
    if (status !== "live" || joined || joining.current) return;
    joining.current = true;
    callApi<{ status: string; media: MediaGrant | null }>(`/api/sessions/${id}/join`, {
      idempotencyKey: newKey("join"),
    })
      .then((result) => {
        if (result.status === "live") {
          setJoined(true);
          setMedia(result.media);
        } else {
          setStatus(result.status as Status);
        }
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => {
        joining.current = false;
      });
  }, [status, joined, id]);

  // The raised hands when we arrive; the feed keeps them current.
  useEffect(() => {
    if (!joined || status !== "live") return;
    callApi<{ hands: { userId: string }[] }>(`/api/sessions/${id}/hands`, { method: "GET" })
      .then((result) => setHands(result.hands.map((h) => h.userId)))
      .catch(() => {});
  }, [joined, status, id]);

  // Closing the tab leaves the class (best effort; LiveKit and the reconcile job catch the rest).
  useEffect(() => {
    if (!joined || status !== "live") return;
    const leave = () => navigator.sendBeacon(`/api/sessions/${id}/leave`);
    window.addEventListener("pagehide", leave);
    return () => window.removeEventListener("pagehide", leave);
  }, [joined, status, id]);

  const act = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const start = () =>
    act("start", async () => {
      const result = await callApi<{ class: { status: Status } }>(`/api/sessions/${id}/start`, {
        idempotencyKey: newKey("start"),
      });
      setStatus(result.class.status);
    });

  const stopRecording = async () => {
    if (!recording || recording.status !== "recording") return;
    if (recording.source === "browser") await recorder.stop();
    else await callApi(`/api/recordings/${recording.id}/stop`);
  };

  const end = () =>
    act("end", async () => {
      if (!window.confirm("End the class for everyone?")) return;
      await stopRecording();
      const result = await callApi<{ class: { status: Status } }>(`/api/sessions/${id}/end`, {
        idempotencyKey: newKey("end"),
      });
      setStatus(result.class.status);
      setMedia(null);
    });

  const record = () =>
    act("record", async () => {
      const result = await callApi<{
        recording: Recording & { maxChunkBytes: number | null };
      }>(`/api/sessions/${id}/recordings`, { idempotencyKey: newKey("record") });
      setRecording(result.recording);
      if (result.recording.source === "browser") await recorder.start(result.recording);
    });

  const hand = (json: object) =>
    act("hand", async () => {
      const result = await callApi<{ hands: { userId: string }[] }>(`/api/sessions/${id}/hands`, {
        json,
      });
      setHands(result.hands.map((h) => h.userId));
    });
  const handUp = hands.includes(data.you.userId);

  const leave = () =>
    act("leave", async () => {
      await callApi(`/api/sessions/${id}/leave`);
      window.location.assign(data.backTo);
    });

  return {
    id,
    status,
    people,
    recording,
    media,
    joined,
    error,
    busy,
    recorder,
    decks,
    scenes,
    setScenes,
    hands,
    addDeck,
    canDraw,
    canPresent,
    subscribe,
    card,
    reloadCard,
    studio,
    feed,
    act,
    start,
    stopRecording,
    end,
    record,
    hand,
    handUp,
    leave,
  };
}

/** A steady colour per person, for their cursor and name on the board. */
export function colorFor(userId: string): string {
  const palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#d97706", "#0891b2", "#db2777"];
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}
