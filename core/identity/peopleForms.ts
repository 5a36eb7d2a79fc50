import { z } from "zod";
import { tenantRoleSchema } from "./permissions";

/** The people page's forms, shared by the page (messages) and its action (the boundary check). */
export const peopleActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("invite"),
    email: z.email("Enter an email address like name@school.org").trim().toLowerCase(),
    role: tenantRoleSchema,
  }),
  z.object({ intent: z.literal("change_role"), userId: z.uuid(), role: tenantRoleSchema }),
  z.object({ intent: z.literal("remove"), userId: z.uuid() }),
]);

export type PeopleAction = z.infer<typeof peopleActionSchema>;
