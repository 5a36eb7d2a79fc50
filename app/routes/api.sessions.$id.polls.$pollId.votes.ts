import { vote } from "../../core/interaction/polls";
import { actInClass } from "~/services/classCommands.server";

/** POST `{optionIds}` with an Idempotency-Key (students): vote once; 409 if you already have. */
export const action = actInClass("pollId", "poll", vote, 201);
