import { changePoll } from "../../core/interaction/polls";
import { actInClass } from "~/services/classCommands.server";

/** POST `{action: "open"}` | `{action: "close", shareResults?}` | `{action: "share"}` (teachers). */
export const action = actInClass("pollId", "poll", changePoll);
