import { actOnQuestion } from "../../core/interaction/questions";
import { actInClass } from "~/services/classCommands.server";

/**
 * POST `{action: "upvote"}` (students, once) or, for teachers,
 * `{action: "answer", answer?}` | `{action: "dismiss"}` | `{action: "pin", pinned}`.
 */
export const action = actInClass("questionId", "question", actOnQuestion);
