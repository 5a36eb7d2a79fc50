import { useEffect, useRef, useState } from "react";
import type { ChatMessage, ChatRules } from "../../../core/interaction/chat";
import { callApi, newKey, problemOf } from "./api";
import type { FeedEvent } from "./useClassFeed";

interface Props {
  sessionId: string;
  youId: string;
  people: { userId: string; name: string; role: string }[];
  canModerate: boolean;
  /** The host closes chat to students. */
  canLock: boolean;
  canPost: boolean;
  /** Class events as they arrive (from the page's feed). */
  subscribe: (listener: (events: FeedEvent[]) => void) => () => void;
}

/**
 * The class chat. History comes from the chat projection; new messages and
 * deletions from the class's events. If chat fails, the panel says so and the
 * class goes on (DESIGN.md section 7).
 */
export function ChatPanel(props: Props) {
  const { sessionId, subscribe } = props;
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [rules, setRules] = useState<ChatRules>({ locked: false, muted: [] });
  const [problem, setProblem] = useState<string | null>(null);
  const [draft, setDraft] = useState("");
  const [audience, setAudience] = useState<"everyone" | "teachers">("everyone");
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let cancelled = false;
    callApi<{ messages: ChatMessage[]; rules: ChatRules }>(`/api/sessions/${sessionId}/chat`, {
      method: "GET",
    })
      .then((chat) => {
        if (cancelled) return;
        setMessages(chat.messages);
        setRules(chat.rules);
      })
      .catch(() => !cancelled && setProblem("Chat is unavailable right now."));
    return () => {
      cancelled = true;
    };
  }, [sessionId]);

  useEffect(
    () =>
      subscribe((events) => {
        setMessages((current) => (current ? events.reduce(withEvent, current) : current));
        setRules((current) => events.reduce(withRule, current));
      }),
    [subscribe],
  );

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [messages?.length]);

  const send = async () => {
    const body = draft.trim();
    if (!body || sending) return;
    setSending(true);
    setProblem(null);
    try {
      const { message } = await callApi<{ message: ChatMessage }>(
        `/api/sessions/${sessionId}/chat`,
        { json: { body, audience }, idempotencyKey: newKey("chat") },
      );
      setMessages((current) => withMessage(current ?? [], message));
      setDraft("");
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setSending(false);
    }
  };

  const moderate = async (action: object) => {
    try {
      const result = await callApi<{ rules: ChatRules }>(
        `/api/sessions/${sessionId}/chat/moderation`,
        { json: action },
      );
      setRules(result.rules);
    } catch (e) {
      setProblem(problemOf(e));
    }
  };

  const remove = async (messageId: string) => {
    try {
      await callApi(`/api/sessions/${sessionId}/chat/${messageId}`, { method: "DELETE" });
    } catch (e) {
      setProblem(problemOf(e));
    }
  };

  if (messages === null) {
    return (
      <p className="muted small" role="status">
        {problem ?? "Loading the chat…"}
      </p>
    );
  }
  const names = Object.fromEntries(props.people.map((p) => [p.userId, p.name]));
  const isTeacher = (userId: string | null) =>
    props.people.some((p) => p.userId === userId && (p.role === "host" || p.role === "co_teacher"));
  const mutedMe = rules.muted.includes(props.youId);
  const closedToMe = (rules.locked && !props.canModerate) || mutedMe;
  return (
    <div className="chat">
      {props.canLock ? (
        <button
          type="button"
          className="button secondary small"
          aria-pressed={rules.locked}
          onClick={() => void moderate({ action: "lock", locked: !rules.locked })}
        >
          {rules.locked ? "Open chat to students" : "Close chat for students"}
        </button>
      ) : null}
      <ol ref={list} className="chat-list" aria-label="Messages" aria-live="polite">
        {messages.length === 0 ? (
          <li className="muted small">No messages yet. Say hello!</li>
        ) : null}
        {messages.map((m) => (
          <li key={m.messageId} className={`chat-message${m.deleted ? " deleted" : ""}`}>
            <div className="chat-meta">
              <strong>
                {m.authorUserId === props.youId
                  ? "You"
                  : (names[m.authorUserId ?? ""] ?? "Someone")}
              </strong>
              {m.audience === "teachers" ? <span className="pill neutral">to teachers</span> : null}
              {props.canModerate && m.authorUserId && !isTeacher(m.authorUserId) ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    void moderate({
                      action: "mute",
                      userId: m.authorUserId,
                      muted: !rules.muted.includes(m.authorUserId!),
                    })
                  }
                >
                  {rules.muted.includes(m.authorUserId) ? "Unmute" : "Mute"}
                </button>
              ) : null}
              {props.canModerate && !m.deleted ? (
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Delete message: ${m.body.slice(0, 40)}`}
                  onClick={() => void remove(m.messageId)}
                >
                  Delete
                </button>
              ) : null}
            </div>
            {m.deleted ? (
              <p className="muted small">Message removed by a teacher.</p>
            ) : (
              <p className="chat-body">
                <Linked text={m.body} />
              </p>
            )}
          </li>
        ))}
      </ol>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {props.canPost && closedToMe ? (
        <p className="muted small" role="status">
          {mutedMe
            ? "A teacher has muted you in this chat."
            : "Your teacher has closed the chat for now."}
        </p>
      ) : props.canPost ? (
        <form
          className="chat-compose"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <label htmlFor="chat-draft" className="visually-hidden">
            Message
          </label>
          <textarea
            id="chat-draft"
            className="input"
            rows={2}
            maxLength={2_000}
            placeholder="Write a message… (Enter sends)"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <div className="chat-actions">
            {!props.canModerate ? (
              <select
                className="input"
                aria-label="Send to"
                value={audience}
                onChange={(e) => setAudience(e.target.value as "everyone" | "teachers")}
              >
                <option value="everyone">Everyone</option>
                <option value="teachers">Teachers only</option>
              </select>
            ) : null}
            <button className="button" type="submit" disabled={sending || !draft.trim()}>
              Send
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

/** Text with http(s) links made clickable; everything else stays text (no HTML is ever parsed). */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"']+)/g);
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <a key={i} href={part} target="_blank" rel="noopener noreferrer nofollow ugc">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </>
  );
}

function withMessage(list: ChatMessage[], message: ChatMessage): ChatMessage[] {
  if (list.some((m) => m.messageId === message.messageId)) return list;
  return [...list, message].sort((a, b) => a.sequence - b.sequence);
}

function withRule(rules: ChatRules, event: FeedEvent): ChatRules {
  const p = event.payload as { locked?: boolean; userId?: string; muted?: boolean };
  if (event.type === "chat.locked") return { ...rules, locked: p.locked === true };
  if (event.type === "chat.muted" && p.userId) {
    const others = rules.muted.filter((id) => id !== p.userId);
    return { ...rules, muted: p.muted ? [...others, p.userId] : others };
  }
  return rules;
}

function withEvent(list: ChatMessage[], event: FeedEvent): ChatMessage[] {
  const p = event.payload as { messageId?: string; body?: string; audience?: string };
  if (event.type === "chat.posted" && p.messageId) {
    return withMessage(list, {
      messageId: p.messageId,
      sequence: event.sequence,
      authorUserId: event.actorUserId,
      audience: p.audience === "teachers" ? "teachers" : "everyone",
      body: String(p.body ?? ""),
      deleted: false,
      at: event.occurredAt,
    });
  }
  if (event.type === "chat.deleted" && p.messageId) {
    return list.map((m) => (m.messageId === p.messageId ? { ...m, deleted: true, body: "" } : m));
  }
  return list;
}
