import type { Card } from "../../../core/interaction/ctas";
import { CardComposer } from "./CallToAction";
import { ChatPanel } from "./ChatPanel";
import { PollsPanel } from "./PollsPanel";
import { QuestionsPanel } from "./QuestionsPanel";
import { SidePanels, type Panel } from "./SidePanels";
import type { FeedEvent } from "./useClassFeed";

export interface PanelPowers {
  chat: boolean;
  moderateChat: boolean;
  lockChat: boolean;
  askQuestion: boolean;
  upvoteQuestion: boolean;
  moderateQuestions: boolean;
  managePolls: boolean;
  vote: boolean;
  manageCards: boolean;
}

/**
 * Chat, Q&A, polls and (for teachers) cards, each failing on its own: a
 * panel whose service is down says so and the rest of the class goes on.
 */
export function ClassPanels(props: {
  sessionId: string;
  youId: string;
  people: { userId: string; name: string; role: string }[];
  can: PanelPowers;
  card: Card | null;
  onCardChange: () => void;
  subscribe: (listener: (events: FeedEvent[]) => void) => () => void;
}) {
  const { sessionId, people, can, subscribe } = props;
  const panels: Panel[] = [
    {
      id: "chat",
      label: "Chat",
      news: (e) => e.type === "chat.posted",
      content: (
        <ChatPanel
          sessionId={sessionId}
          youId={props.youId}
          people={people}
          canModerate={can.moderateChat}
          canLock={can.lockChat}
          canPost={can.chat}
          subscribe={subscribe}
        />
      ),
    },
    {
      id: "questions",
      label: "Q&A",
      news: (e) => e.type === "question.asked" || e.type === "question.answered",
      content: (
        <QuestionsPanel
          sessionId={sessionId}
          people={people}
          canAsk={can.askQuestion}
          canUpvote={can.upvoteQuestion}
          canModerate={can.moderateQuestions}
          subscribe={subscribe}
        />
      ),
    },
    {
      id: "polls",
      label: "Polls",
      news: (e) => e.type === "poll.opened" || e.type === "poll.results_shared",
      content: (
        <PollsPanel
          sessionId={sessionId}
          people={people}
          canManage={can.managePolls}
          canVote={can.vote}
          subscribe={subscribe}
        />
      ),
    },
  ];
  if (can.manageCards) {
    panels.push({
      id: "cards",
      label: "Cards",
      content: (
        <CardComposer sessionId={sessionId} current={props.card} onChange={props.onCardChange} />
      ),
    });
  }
  return <SidePanels panels={panels} youId={props.youId} subscribe={subscribe} />;
}
