import { LocalTime } from "~/components/LocalTime";
import { Studio } from "~/components/studio/Studio";
import type { ClassPageData } from "~/routes/class.$id";
import { CardView, hideCard } from "./CallToAction";
import { ClassPanels } from "./ClassPanels";
import { EndScreen } from "./EndScreen";
import { MediaStage } from "./MediaStage";
import { ParticipantList } from "./ParticipantList";
import { colorFor, useClassroom } from "./useClassroom";
import { WaitingRoom } from "./WaitingRoom";

/**
 * The classroom: the class bar (title, status, recording, hand, end or leave),
 * the banners, then the waiting room before the class starts, the stage and
 * side panels while it is live, and the end screen once it is over.
 */
export function ClassroomPage({ data }: { data: ClassPageData }) {
  const {
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
  } = useClassroom(data);

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
