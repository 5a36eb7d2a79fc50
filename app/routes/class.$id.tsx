import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState } from "react";
import { LocalTime } from "~/components/LocalTime";
import { callApi, newKey } from "~/components/classroom/api";
import { MediaStage, type MediaGrant } from "~/components/classroom/MediaStage";
import { ParticipantList, type PresentPerson } from "~/components/classroom/ParticipantList";
import { CardView, hideCard, useCurrentCard } from "~/components/classroom/CallToAction";
import { ClassPanels } from "~/components/classroom/ClassPanels";
import { useBrowserRecorder } from "~/components/classroom/useBrowserRecorder";
import { useClassFeed, type FeedEvent } from "~/components/classroom/useClassFeed";
import type { DeckInfo } from "~/components/studio/Slides";
import { Studio } from "~/components/studio/Studio";
import { applySceneEvent, type Scene } from "../../core/studio/scenes";
import { useStudio } from "~/components/studio/useStudio";
import { classPage } from "~/services/classPage.server";
import { requireUser } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.class.title} · Lectern` : "Class · Lectern" },
];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const user = await requireUser(request, context);
  return classPage(context, user, params.id!);
});

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>;
type Status = Loaded["class"]["status"];
type Recording = NonNullable<Loaded["recording"]>;

export default function ClassPage() {
  const data = useLoaderData<typeof loader>();
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

  if (status === "ended" || status === "cancelled") {
    return (
      <EndScreen
        title={data.class.title}
        cancelled={status === "cancelled"}
        backTo={data.backTo}
        recorder={recorder.state}
      />
    );
  }

  return (
    <div className="classroom">
      <header className="class-bar">
        <div>
          <h1 className="class-title">{data.class.title}</h1>
          <p className="muted small">
            {data.school.name} · <LocalTime iso={data.class.startsAt} /> –{" "}
            <LocalTime iso={data.class.endsAt} withDate={false} />
          </p>
        </div>
        <div className="class-actions">
          <span className={`pill ${status === "live" ? "ok" : "neutral"}`} role="status">
            {status === "live" ? "● Live" : "Not started"}
          </span>
          {recording?.status === "recording" ? (
            <span className="pill bad" role="status">
              ● Recording
            </span>
          ) : null}
          {data.can.record && status === "live" ? (
            recording?.status === "recording" ? (
              <button
                type="button"
                className="button secondary"
                disabled={busy !== null}
                onClick={() => act("stop-recording", stopRecording)}
              >
                Stop recording
              </button>
            ) : (
              <button
                type="button"
                className="button secondary"
                disabled={busy !== null}
                onClick={record}
              >
                Record
              </button>
            )
          ) : null}
          {data.can.raiseHand && status === "live" && joined ? (
            <button
              type="button"
              className="button secondary"
              aria-pressed={handUp}
              disabled={busy !== null}
              onClick={() => hand(handUp ? { action: "lower" } : { action: "raise" })}
            >
              {handUp ? "Lower hand" : "Raise hand"}
            </button>
          ) : null}
          {data.can.end && status === "live" ? (
            <button type="button" className="button danger" disabled={busy !== null} onClick={end}>
              {busy === "end" ? "Ending…" : "End class"}
            </button>
          ) : status === "live" ? (
            <button
              type="button"
              className="button secondary"
              disabled={busy !== null}
              onClick={leave}
            >
              Leave
            </button>
          ) : null}
        </div>
      </header>
      {error ? (
        <p className="banner bad" role="alert">
          {error}
        </p>
      ) : null}
      {feed === "reconnecting" ? (
        <p className="banner" role="status">
          Connection to the class lost, reconnecting…
        </p>
      ) : null}
      {recorder.state.phase === "recording" || recorder.state.phase === "finishing" ? (
        <p className="banner" role="status">
          Recording your microphone: {recorder.state.uploaded} of {recorder.state.total} parts
          uploaded.
        </p>
      ) : recorder.state.phase === "done" ? (
        <p className="banner" role="status">
          The recording was saved.
        </p>
      ) : recorder.state.phase === "failed" ? (
        <p className="banner bad" role="alert">
          {recorder.state.message}
        </p>
      ) : null}

      {status === "scheduled" ? (
        <WaitingRoom
          startsAt={data.class.startsAt}
          canStart={data.can.start}
          starting={busy === "start"}
          onStart={start}
        />
      ) : (
        <div className="class-layout">
          <main className="class-stage" aria-label="Stage">
            {card && status === "live" ? (
              <CardView
                sessionId={id}
                card={card}
                onHide={
                  data.can.manageCards
                    ? () => void hideCard(id, card.cardId).then(reloadCard, () => {})
                    : undefined
                }
              />
            ) : null}
            <Studio
              sessionId={id}
              studio={studio}
              decks={decks}
              onDeckAdded={addDeck}
              scenes={scenes}
              onScenes={setScenes}
              can={{
                draw: canDraw,
                present: canPresent,
                changeScene: canPresent,
                manageScenes: data.can.manageScenes,
                clear: data.can.clearBoard,
              }}
              me={{ id: data.you.userId, name: data.you.name, color: colorFor(data.you.userId) }}
              media={
                !data.mediaConfigured ? (
                  <div className="stage-empty">
                    <h2>Audio and video are not configured on this server</h2>
                    <p className="muted">
                      Everything else in the class works.{" "}
                      {data.can.record
                        ? "Use Record to record your microphone from this browser."
                        : ""}
                    </p>
                  </div>
                ) : media ? (
                  <MediaStage
                    grant={media}
                    canPublish={data.can.publish}
                    canShareScreen={canPresent}
                  />
                ) : (
                  <div className="stage-empty">Joining the class…</div>
                )
              }
            />
          </main>
          <aside className="class-side">
            <ParticipantList
              people={people}
              youId={data.you.userId}
              showObservers={data.can.seeObservers}
              hands={hands}
              onLower={
                data.can.lowerHands
                  ? (userId) => hand(userId ? { action: "lower", userId } : { action: "lower_all" })
                  : undefined
              }
            />
            {status === "live" ? (
              <ClassPanels
                sessionId={id}
                youId={data.you.userId}
                people={people}
                can={data.can}
                card={card}
                onCardChange={() => void reloadCard()}
                subscribe={subscribe}
              />
            ) : null}
          </aside>
        </div>
      )}
    </div>
  );
}

function WaitingRoom(props: {
  startsAt: string;
  canStart: boolean;
  starting: boolean;
  onStart: () => void;
}) {
  return (
    <section className="card waiting-room" aria-labelledby="waiting-title">
      {props.canStart ? (
        <>
          <h2 id="waiting-title">Ready when you are</h2>
          <p>Students who open the class now wait here and are let in when you start.</p>
          <button
            type="button"
            className="button"
            onClick={props.onStart}
            disabled={props.starting}
          >
            {props.starting ? "Starting…" : "Start class"}
          </button>
        </>
      ) : (
        <>
          <h2 id="waiting-title">Waiting for your teacher</h2>
          <p>
            The class is scheduled for <LocalTime iso={props.startsAt} />. This page opens by itself
            when it starts; no need to reload.
          </p>
        </>
      )}
    </section>
  );
}

function EndScreen(props: {
  title: string;
  cancelled: boolean;
  backTo: string;
  recorder: ReturnType<typeof useBrowserRecorder>["state"];
}) {
  return (
    <section className="card end-screen" aria-labelledby="end-title" role="status">
      <h1 id="end-title">{props.cancelled ? "This class was cancelled" : "Class ended"}</h1>
      <p>
        {props.cancelled
          ? `“${props.title}” will not take place.`
          : `“${props.title}” has ended. Thanks for taking part.`}
      </p>
      {props.recorder.phase === "finishing" ? (
        <p role="status">
          Finishing the recording upload: {props.recorder.uploaded} of {props.recorder.total} parts.
          Keep this page open.
        </p>
      ) : null}
      {props.recorder.phase === "done" ? <p>The recording was saved.</p> : null}
      <Link className="button" to={props.backTo}>
        Back to my classes
      </Link>
    </section>
  );
}

/** A steady colour per person, for their cursor and name on the board. */
function colorFor(userId: string): string {
  const palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#d97706", "#0891b2", "#db2777"];
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}
