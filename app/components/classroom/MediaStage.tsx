import { useEffect, useReducer, useRef, useState } from "react";
import type * as LiveKitClient from "livekit-client";
import type { Participant, Room, TrackPublication } from "livekit-client";

type LiveKit = typeof LiveKitClient;

export interface MediaGrant {
  url: string;
  token: string;
}

type Connection = "connecting" | "connected" | "reconnecting" | "disconnected" | "failed";

/**
 * The class's audio/video on LiveKit: tiles for cameras and screen shares,
 * mute/unmute, device choice, screen share for presenters, the active speaker
 * and each person's connection quality. livekit-client reconnects by itself;
 * the stage says so while it does. Loaded on demand: pages without audio/video
 * never download it.
 */
export function MediaStage({
  grant,
  canPublish,
  canShareScreen,
}: {
  grant: MediaGrant;
  canPublish: boolean;
  canShareScreen: boolean;
}) {
  const [room, setRoom] = useState<Room | null>(null);
  const [lk, setLk] = useState<LiveKit | null>(null);
  const [connection, setConnection] = useState<Connection>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const [, refresh] = useReducer((n: number) => n + 1, 0);

  useEffect(() => {
    let cancelled = false;
    let current: Room | null = null;
    (async () => {
      const livekit = await import("livekit-client");
      if (cancelled) return;
      const next = new livekit.Room({ adaptiveStream: true, dynacast: true });
      current = next;
      const E = livekit.RoomEvent;
      for (const event of [
        E.ParticipantConnected,
        E.ParticipantDisconnected,
        E.TrackSubscribed,
        E.TrackUnsubscribed,
        E.TrackMuted,
        E.TrackUnmuted,
        E.LocalTrackPublished,
        E.LocalTrackUnpublished,
        E.ActiveSpeakersChanged,
        E.ConnectionQualityChanged,
        E.MediaDevicesChanged,
      ]) {
        next.on(event, refresh);
      }
      next.on(E.Reconnecting, () => setConnection("reconnecting"));
      next.on(E.Reconnected, () => setConnection("connected"));
      next.on(E.Disconnected, () => setConnection("disconnected"));
      setLk(livekit);
      setRoom(next);
      await next.connect(grant.url, grant.token);
      if (cancelled) return;
      setConnection("connected");
      if (canPublish) {
        await next.localParticipant.enableCameraAndMicrophone().catch(() => {
          setProblem(
            "Your camera or microphone could not be started. Check the browser's permission.",
          );
        });
      }
      refresh();
    })().catch(() => {
      if (!cancelled) {
        setConnection("failed");
        setProblem("Audio/video could not connect. The rest of the class works; reload to retry.");
      }
    });
    return () => {
      cancelled = true;
      void current?.disconnect();
    };
  }, [grant.url, grant.token, canPublish]);

  if (!room || !lk) {
    return <div className="stage-empty">Connecting audio and video…</div>;
  }
  const people: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
  const tiles = people.flatMap((person) => {
    const camera = person.getTrackPublication(lk.Track.Source.Camera);
    const screen = person.getTrackPublication(lk.Track.Source.ScreenShare);
    return [
      ...(screen?.track ? [{ key: `${person.identity}:screen`, person, publication: screen }] : []),
      { key: `${person.identity}:camera`, person, publication: camera },
    ];
  });

  return (
    <div className="stage">
      {connection !== "connected" ? (
        <p className="banner" role="status">
          {connection === "reconnecting"
            ? "Audio/video connection lost, reconnecting…"
            : connection === "connecting"
              ? "Connecting audio and video…"
              : "Audio/video is disconnected."}
        </p>
      ) : null}
      {problem ? (
        <p className="banner bad" role="alert">
          {problem}
        </p>
      ) : null}
      <ul className="tiles" aria-label="Video">
        {tiles.map(({ key, person, publication }) => (
          <Tile key={key} lk={lk} person={person} publication={publication} />
        ))}
      </ul>
      {canPublish ? (
        <MediaControls room={room} lk={lk} canShareScreen={canShareScreen} onChange={refresh} />
      ) : null}
    </div>
  );
}

function Tile({
  lk,
  person,
  publication,
}: {
  lk: LiveKit;
  person: Participant;
  publication: TrackPublication | undefined;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const track = publication?.track;
  const isScreen = publication?.source === lk.Track.Source.ScreenShare;
  const mic = person.getTrackPublication(lk.Track.Source.Microphone);

  useEffect(() => {
    if (!track || !video.current || publication?.isMuted) return;
    const element = video.current;
    track.attach(element);
    return () => {
      track.detach(element);
    };
  }, [track, publication?.isMuted]);

  useEffect(() => {
    // Remote voices only: your own microphone would echo.
    const voice = mic?.track;
    if (!voice || person.isLocal || isScreen || !audio.current) return;
    const element = audio.current;
    voice.attach(element);
    return () => {
      voice.detach(element);
    };
  }, [mic?.track, person.isLocal, isScreen]);

  const quality = String(person.connectionQuality);
  const name = person.name || person.identity;
  return (
    <li className={`tile${person.isSpeaking ? " speaking" : ""}`}>
      {track && !publication?.isMuted ? (
        <video ref={video} autoPlay playsInline muted={person.isLocal} />
      ) : (
        <div className="tile-placeholder" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </div>
      )}
      <audio ref={audio} autoPlay />
      <div className="tile-caption">
        <span>
          {name}
          {person.isLocal ? " (you)" : ""}
          {isScreen ? " · screen" : ""}
        </span>
        {!isScreen && (!mic || mic.isMuted) ? <span title="Microphone off">🔇</span> : null}
        {person.isSpeaking ? <span className="visually-hidden">speaking</span> : null}
        <span className={`quality quality-${quality}`} title={`Connection: ${quality}`}>
          <span className="visually-hidden">Connection {quality}</span>
        </span>
      </div>
    </li>
  );
}

function MediaControls({
  room,
  lk,
  canShareScreen,
  onChange,
}: {
  room: Room;
  lk: LiveKit;
  canShareScreen: boolean;
  onChange: () => void;
}) {
  const me = room.localParticipant;
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    lk.Room.getLocalDevices(undefined, false).then(setDevices, () => setDevices([]));
  }, [lk, me.isCameraEnabled, me.isMicrophoneEnabled]);

  const run = (what: string, action: () => Promise<unknown>) => {
    setError(null);
    action().then(onChange, () => setError(`Could not ${what}.`));
  };
  const select = (kind: MediaDeviceKind, label: string) => {
    const options = devices.filter((d) => d.kind === kind && d.deviceId);
    if (options.length < 2) return null;
    return (
      <label className="device-select">
        <span className="visually-hidden">{label}</span>
        <select
          aria-label={label}
          defaultValue={room.getActiveDevice(kind) ?? ""}
          onChange={(event) =>
            run(`switch the ${label.toLowerCase()}`, () =>
              room.switchActiveDevice(kind, event.target.value),
            )
          }
        >
          {options.map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || kind}
            </option>
          ))}
        </select>
      </label>
    );
  };

  return (
    <div className="media-controls" role="toolbar" aria-label="Your audio and video">
      <button
        type="button"
        className="button secondary"
        aria-pressed={!me.isMicrophoneEnabled}
        onClick={() =>
          run("change the microphone", () => me.setMicrophoneEnabled(!me.isMicrophoneEnabled))
        }
      >
        {me.isMicrophoneEnabled ? "Mute" : "Unmute"}
      </button>
      <button
        type="button"
        className="button secondary"
        aria-pressed={!me.isCameraEnabled}
        onClick={() => run("change the camera", () => me.setCameraEnabled(!me.isCameraEnabled))}
      >
        {me.isCameraEnabled ? "Stop camera" : "Start camera"}
      </button>
      {canShareScreen ? (
        <button
          type="button"
          className="button secondary"
          aria-pressed={me.isScreenShareEnabled}
          onClick={() =>
            run("share your screen", () => me.setScreenShareEnabled(!me.isScreenShareEnabled))
          }
        >
          {me.isScreenShareEnabled ? "Stop sharing" : "Share screen"}
        </button>
      ) : null}
      {select("audioinput", "Microphone")}
      {select("videoinput", "Camera")}
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
