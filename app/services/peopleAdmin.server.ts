import type { AppLoadContext } from "@remix-run/node";
import * as admin from "../../core/identity/peopleAdmin";
import type { Member } from "~/session.server";

/** core/peopleAdmin.ts with the web app's pools, mailer and request id. */
export function peopleAdmin(context: AppLoadContext, member: Member) {
  const deps = { db: context.db.db, requestId: context.requestId };
  return {
    list: () => admin.listPeople(deps, member.actor),
    invite: (input: { email: string; role: Member["role"] }) =>
      admin.invitePerson(
        {
          ...deps,
          mailer: context.mailer,
          appUrl: context.config.APP_URL,
          schoolName: member.tenant.name,
          inviterName: member.user.name,
        },
        member.actor,
        input,
      ),
    changeRole: (input: { userId: string; role: Member["role"] }) =>
      admin.changeRole(deps, member.actor, input),
    remove: (input: { userId: string }) => admin.removePerson(deps, member.actor, input),
    audit: () => admin.auditTrail(deps, member.actor),
  };
}
