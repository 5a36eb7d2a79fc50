import { z } from "zod";
import { sessionGrants, sessionRoles, tenantRoleKeys } from "../../db/schema/roles";
import { AppError } from "../platform/errors";

/**
 * Who may do what: one pure function, `can(actor, action, resource)`, used by
 * routes, services, the sync server and LiveKit token grants. Permissions are
 * data (the two tables below, exported as `permissionMatrix`), checked by one
 * helper; the few rules a role alone cannot express are spelled out in `refine`.
 */

// The role and grant names are the database's (one dependency-free list each, in db/schema).
export const tenantRoleSchema = z.enum(tenantRoleKeys);
export const sessionRoleSchema = z.enum(sessionRoles);
export const grantSchema = z.enum(sessionGrants);

export type TenantRole = z.infer<typeof tenantRoleSchema>;
export type SessionRole = z.infer<typeof sessionRoleSchema>;
export type Grant = z.infer<typeof grantSchema>;

export interface Actor {
  userId: string;
  tenantId: string;
  /** Null: not a member of this school. */
  tenantRole: TenantRole | null;
  /** The actor's place in a class, when acting in one. */
  session?: { sessionId: string; role: SessionRole; grants: readonly Grant[] };
}

export type Resource = { tenantId: string } & (
  | { kind: "tenant" }
  | { kind: "audit_log" }
  /** A person in the school: `role` is their current role, `newRole` the one being given. */
  | { kind: "member"; userId?: string; role?: TenantRole; newRole?: TenantRole }
  | { kind: "course"; ownerId?: string | null }
  /** `ownerId`: the teacher of the class's course, or whoever scheduled an ad-hoc class. */
  | { kind: "session"; sessionId?: string; ownerId?: string | null }
  /** A person in a class, for role and grant changes; `role` is their role in it. */
  | { kind: "participant"; sessionId: string; userId: string; role?: SessionRole; grant?: Grant }
);

/**
 * "any": every such resource of the school; "own": only where resource.ownerId
 * is the actor; "participant": only a class the actor has a place in.
 */
type Access = "any" | "own" | "participant";
type TenantRule = {
  on: Resource["kind"];
  roles: Partial<Record<TenantRole, Access>>;
  note?: string;
};
type SessionRule = {
  roles: readonly SessionRole[];
  grants?: readonly Grant[];
  /** School roles that may, whatever their place in the class (they still need one). */
  schoolRoles?: readonly TenantRole[];
  note?: string;
};

const OWNER_ONLY_NOTE = "owner/admin roles: owner only; never one's own";

/** School-wide actions, by tenant role, on one kind of resource. */
const tenantRules = {
  "tenant:update_settings": { on: "tenant", roles: { owner: "any", admin: "any" } },
  "member:list": { on: "tenant", roles: { owner: "any", admin: "any", teacher: "any" } },
  "member:invite": {
    on: "member",
    roles: { owner: "any", admin: "any" },
    note: "owner/admin roles: owner only",
  },
  "member:change_role": {
    on: "member",
    roles: { owner: "any", admin: "any" },
    note: OWNER_ONLY_NOTE,
  },
  "member:remove": { on: "member", roles: { owner: "any", admin: "any" }, note: OWNER_ONLY_NOTE },
  "audit_log:read": { on: "audit_log", roles: { owner: "any", admin: "any" } },
  "course:create": { on: "course", roles: { owner: "any", admin: "any", teacher: "any" } },
  "course:update": { on: "course", roles: { owner: "any", admin: "any", teacher: "own" } },
  "course:archive": { on: "course", roles: { owner: "any", admin: "any", teacher: "own" } },
  "session:schedule": { on: "session", roles: { owner: "any", admin: "any", teacher: "own" } },
  "session:update": { on: "session", roles: { owner: "any", admin: "any", teacher: "own" } },
  "session:cancel": { on: "session", roles: { owner: "any", admin: "any", teacher: "own" } },
  "session:enroll": { on: "session", roles: { owner: "any", admin: "any", teacher: "own" } },
  "session:view": {
    on: "session",
    roles: { owner: "any", admin: "any", teacher: "any", student: "participant" },
  },
} as const satisfies Record<string, TenantRule>;

/**
 * Live-class actions, by the actor's role in that very class, or by a grant
 * (whatever the role). Tenant owners and admins who are not participants of the
 * class get none of these: powers in a live class come from being in it, so a
 * school admin sees a class (`session:view`) but must join it to act in it.
 * The few rules with `schoolRoles` are about the class's records, not the
 * class itself: those school roles have them from their place as observers.
 */
const sessionRules = {
  "session:start": { roles: ["host", "co_teacher"] },
  "session:end": { roles: ["host"] },
  "session:join": { roles: ["host", "co_teacher", "student", "observer"] },
  "recording:start": { roles: ["host"] },
  "recording:stop": { roles: ["host"] },
  "participant:change_role": { roles: ["host"], note: "never one's own" },
  "participant:grant": {
    roles: ["host", "co_teacher"],
    note: "co_teacher: only can_draw/can_present, only to students",
  },
  "board:draw": { roles: ["host", "co_teacher"], grants: ["can_draw"] },
  "slides:navigate": { roles: ["host", "co_teacher"], grants: ["can_present"] },
  "scene:change": { roles: ["host", "co_teacher"], grants: ["can_present"] },
  "scene:manage": { roles: ["host", "co_teacher"] },
  "chat:post": { roles: ["host", "co_teacher", "student"] },
  "chat:moderate": { roles: ["host", "co_teacher"] },
  // Turning chat off for students is the host's call.
  "chat:lock": { roles: ["host"] },
  // The host runs the Q&A rather than taking part in it.
  "question:ask": { roles: ["student", "co_teacher"] },
  "question:upvote": { roles: ["student", "co_teacher"] },
  "question:moderate": { roles: ["host", "co_teacher"] },
  "poll:manage": { roles: ["host", "co_teacher"] },
  "poll:vote": { roles: ["student"] },
  "hand:raise": { roles: ["student"] },
  "hand:lower_any": { roles: ["host", "co_teacher"] },
  "cta:manage": { roles: ["host", "co_teacher"] },
  "media:publish": { roles: ["host", "co_teacher"], grants: ["can_publish"] },
  "media:subscribe": { roles: ["host", "co_teacher", "student", "observer"] },
  // Not a power but a property, for LiveKit's `hidden` grant: observers are invisible.
  "media:hidden": { roles: ["observer"] },
  // After the class: its artifact pipeline's status, and running it again (a new version).
  "artifacts:view": { roles: ["host", "co_teacher"], schoolRoles: ["owner", "admin"] },
  "artifacts:rerun": { roles: ["host"], schoolRoles: ["owner", "admin"] },
} as const satisfies Record<string, SessionRule>;

/** The rules as data, e.g. to print (see `describeMatrix`). Read-only by contract. */
export const permissionMatrix = { tenant: tenantRules, session: sessionRules } as const;

export type TenantAction = keyof typeof tenantRules;
export type SessionAction = keyof typeof sessionRules;

export const actionSchema = z.enum([
  ...(Object.keys(tenantRules) as TenantAction[]),
  ...(Object.keys(sessionRules) as SessionAction[]),
] as [TenantAction | SessionAction, ...(TenantAction | SessionAction)[]]);
export type Action = z.infer<typeof actionSchema>;

/** A 403 that says which action was refused (the answer's `details`). */
export class PermissionDeniedError extends AppError {
  override name = "PermissionDeniedError";
  constructor(
    readonly action: Action,
    readonly resourceKind: Resource["kind"],
  ) {
    super("forbidden", "You don't have permission to do that.", { action });
  }
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
  // Nothing crosses schools, and nothing is open to non-members, whatever the role.
  if (!actor.tenantRole || resource.tenantId !== actor.tenantId) return false;
  const allowed =
    action in tenantRules
      ? tenantAllows(actor, actor.tenantRole, action as TenantAction, resource)
      : sessionAllows(actor, action as SessionAction, resource);
  return allowed && refine(actor, action, resource);
}

export function assertCan(actor: Actor, action: Action, resource: Resource): void {
  if (!can(actor, action, resource)) throw new PermissionDeniedError(action, resource.kind);
}

/** True when the resource is the class the actor has a place in. */
function inThatClass(actor: Actor, resource: Resource): boolean {
  const sessionId = "sessionId" in resource ? resource.sessionId : undefined;
  return sessionId !== undefined && actor.session?.sessionId === sessionId;
}

function tenantAllows(
  actor: Actor,
  role: TenantRole,
  action: TenantAction,
  resource: Resource,
): boolean {
  const rule: TenantRule = tenantRules[action];
  // A call with the wrong kind of resource is a bug; refusing makes it show.
  if (resource.kind !== rule.on) return false;
  switch (rule.roles[role]) {
    case "any":
      return true;
    case "own":
      return "ownerId" in resource && resource.ownerId === actor.userId;
    case "participant":
      return inThatClass(actor, resource);
    default:
      return false;
  }
}

function sessionAllows(actor: Actor, action: SessionAction, resource: Resource): boolean {
  const place = actor.session;
  if (!place || !inThatClass(actor, resource)) return false;
  const rule: SessionRule = sessionRules[action];
  return (
    rule.roles.includes(place.role) ||
    (rule.grants ?? []).some((g) => place.grants.includes(g)) ||
    (actor.tenantRole !== null && (rule.schoolRoles ?? []).includes(actor.tenantRole))
  );
}

const PRIVILEGED: readonly TenantRole[] = ["owner", "admin"];

/** The rules a role alone cannot express. Each one can only narrow what the tables allow. */
function refine(actor: Actor, action: Action, resource: Resource): boolean {
  switch (action) {
    case "member:invite":
    case "member:change_role":
    case "member:remove": {
      if (resource.kind !== "member") return false;
      if (action !== "member:invite") {
        // Changing someone needs to know who and what they are now: without it, refuse rather than guess.
        if (!resource.userId || !resource.role) return false;
        if (action === "member:change_role" && !resource.newRole) return false;
        // Nobody changes or removes themselves (no self-promotion, no accidental lock-out).
        if (resource.userId === actor.userId) return false;
      }
      // Only an owner grants, revokes or touches the owner and admin roles.
      const touchesPrivileged = [resource.role, resource.newRole].some(
        (role) => role !== undefined && PRIVILEGED.includes(role),
      );
      return !touchesPrivileged || actor.tenantRole === "owner";
    }
    case "participant:change_role":
      // A host demoting themselves would leave the class without one.
      return resource.kind !== "participant" || resource.userId !== actor.userId;
    case "participant:grant":
      // Co-teachers may let students draw or present, not put them on camera.
      return (
        actor.session?.role === "host" ||
        (resource.kind === "participant" &&
          resource.role === "student" &&
          (resource.grant === "can_draw" || resource.grant === "can_present"))
      );
    default:
      return true;
  }
}

const ACCESS_LABEL: Record<Access, string> = {
  any: "allowed",
  own: "own",
  participant: "if participant",
};

/** The matrix as markdown tables (for notes and docs): action × role. */
export function describeMatrix(): string {
  const tenantRoles = tenantRoleSchema.options;
  const sessionRoles = sessionRoleSchema.options;
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const header = (cells: readonly string[]) => [row(cells), row(cells.map(() => "---"))];
  return [
    ...header(["school action", "on", ...tenantRoles, "note"]),
    ...Object.entries(tenantRules).map(([action, rule]: [string, TenantRule]) =>
      row([
        action,
        rule.on,
        ...tenantRoles.map((r) => {
          const access = rule.roles[r];
          return access ? ACCESS_LABEL[access] : "denied";
        }),
        rule.note ?? "",
      ]),
    ),
    "",
    ...header(["class action", ...sessionRoles, "or grant", "or school role", "note"]),
    ...Object.entries(sessionRules).map(([action, rule]: [string, SessionRule]) =>
      row([
        action,
        ...sessionRoles.map((r) => (rule.roles.includes(r) ? "allowed" : "denied")),
        rule.grants?.join(", ") ?? "",
        rule.schoolRoles?.join(", ") ?? "",
        rule.note ?? "",
      ]),
    ),
  ].join("\n");
}
