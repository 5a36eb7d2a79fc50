import { z } from "zod";
import { sessionGrants, sessionRoles, tenantRoleKeys } from "../db/schema/roles";

/**
 * Who may do what: one pure function, `can(actor, action, resource)`, used by
 * routes, services, the sync server and LiveKit token grants. Permissions are
 * data (the two tables below), checked by one helper; special cases that need
 * more than a role are spelled out in `refine`.
 */

// The role and grant names are the database's (one list each, in db/schema).
export const tenantRoleSchema = z.enum(tenantRoleKeys);
export const sessionRoleSchema = z.enum(sessionRoles);
export const grantSchema = z.enum(sessionGrants);

export type TenantRole = z.infer<typeof tenantRoleSchema>;
export type SessionRole = z.infer<typeof sessionRoleSchema>;
export type Grant = z.infer<typeof grantSchema>;

/** "any": on every resource of the school; "own": only on resources the actor created. */
type Access = "any" | "own";

/** School-wide actions, by tenant role. */
const tenantRules = {
  "tenant:update_settings": { owner: "any", admin: "any" },
  "member:list": { owner: "any", admin: "any", teacher: "any" },
  "member:invite": { owner: "any", admin: "any" },
  "member:change_role": { owner: "any", admin: "any" },
  "member:remove": { owner: "any", admin: "any" },
  "audit_log:read": { owner: "any", admin: "any" },
  "course:create": { owner: "any", admin: "any", teacher: "any" },
  "course:update": { owner: "any", admin: "any", teacher: "own" },
  "course:archive": { owner: "any", admin: "any", teacher: "own" },
  "session:schedule": { owner: "any", admin: "any", teacher: "own" },
  "session:update": { owner: "any", admin: "any", teacher: "own" },
  "session:cancel": { owner: "any", admin: "any", teacher: "own" },
  "session:enroll": { owner: "any", admin: "any", teacher: "own" },
  // Students see a class only as its participant (checked in `refine`).
  "session:view": { owner: "any", admin: "any", teacher: "any", student: "any" },
} as const satisfies Record<string, Partial<Record<TenantRole, Access>>>;

/**
 * Live-class actions, by the actor's role in that class, or by a grant. Tenant
 * owners and admins who are not participants of the class get none of these:
 * powers in a live class come from being in it.
 */
const sessionRules = {
  "session:start": { roles: ["host", "co_teacher"] },
  "session:end": { roles: ["host"] },
  "session:join": { roles: ["host", "co_teacher", "student", "observer"] },
  "recording:start": { roles: ["host"] },
  "recording:stop": { roles: ["host"] },
  "participant:change_role": { roles: ["host"] },
  "participant:grant": { roles: ["host", "co_teacher"] },
  "board:draw": { roles: ["host", "co_teacher"], grants: ["can_draw"] },
  "slides:navigate": { roles: ["host", "co_teacher"], grants: ["can_present"] },
  "scene:change": { roles: ["host", "co_teacher"], grants: ["can_present"] },
  "scene:manage": { roles: ["host", "co_teacher"] },
  "chat:post": { roles: ["host", "co_teacher", "student"] },
  "chat:moderate": { roles: ["host", "co_teacher"] },
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
  // Not a power but a property: observers are hidden from the class.
  "media:hidden": { roles: ["observer"] },
} as const satisfies Record<string, { roles: readonly SessionRole[]; grants?: readonly Grant[] }>;

export type TenantAction = keyof typeof tenantRules;
export type SessionAction = keyof typeof sessionRules;
export type Action = TenantAction | SessionAction;

export const actionSchema = z.enum([
  ...(Object.keys(tenantRules) as TenantAction[]),
  ...(Object.keys(sessionRules) as SessionAction[]),
] as [Action, ...Action[]]);

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
  /** A person in the school; `newRole` when changing or inviting to a role. */
  | { kind: "member"; userId?: string; role?: TenantRole; newRole?: TenantRole }
  | { kind: "course"; ownerId?: string | null }
  | { kind: "session"; sessionId?: string; ownerId?: string | null }
  /** A participant of a class, for grant changes. */
  | { kind: "participant"; sessionId: string; userId: string; grant?: Grant }
);

export class PermissionDeniedError extends Error {
  override name = "PermissionDeniedError";
  readonly code = "forbidden" as const;
  constructor(
    readonly action: Action,
    readonly resourceKind: Resource["kind"],
  ) {
    super("You don't have permission to do that.");
  }
}

const isTenantAction = (action: Action): action is TenantAction => action in tenantRules;

export function can(actor: Actor, action: Action, resource: Resource): boolean {
  // Nothing crosses schools, whatever the role.
  if (!actor.tenantRole || resource.tenantId !== actor.tenantId) return false;
  const allowed = isTenantAction(action)
    ? tenantAllows(actor, action, resource)
    : sessionAllows(actor, action, resource);
  return allowed && refine(actor, action, resource);
}

export function assertCan(actor: Actor, action: Action, resource: Resource): void {
  if (!can(actor, action, resource)) throw new PermissionDeniedError(action, resource.kind);
}

function tenantAllows(actor: Actor, action: TenantAction, resource: Resource): boolean {
  const access = (tenantRules[action] as Partial<Record<TenantRole, Access>>)[actor.tenantRole!];
  if (access === "any") return true;
  if (access !== "own") return false;
  return "ownerId" in resource && resource.ownerId === actor.userId;
}

function sessionAllows(actor: Actor, action: SessionAction, resource: Resource): boolean {
  const place = actor.session;
  const sessionId = "sessionId" in resource ? resource.sessionId : undefined;
  if (!place || !sessionId || place.sessionId !== sessionId) return false;
  const rule: { roles: readonly SessionRole[]; grants?: readonly Grant[] } = sessionRules[action];
  return (
    rule.roles.includes(place.role) || (rule.grants ?? []).some((g) => place.grants.includes(g))
  );
}

const PRIVILEGED: readonly TenantRole[] = ["owner", "admin"];

/** The rules a role alone cannot express. */
function refine(actor: Actor, action: Action, resource: Resource): boolean {
  switch (action) {
    case "member:invite":
    case "member:change_role":
    case "member:remove": {
      if (resource.kind !== "member") return false;
      // Nobody changes or removes themselves (no accidental lock-out, no self-promotion).
      if (action !== "member:invite" && resource.userId === actor.userId) return false;
      // Only an owner grants, revokes or touches owner and admin roles.
      const touchesPrivileged = [resource.role, resource.newRole].some(
        (role) => role !== undefined && PRIVILEGED.includes(role),
      );
      return !touchesPrivileged || actor.tenantRole === "owner";
    }
    case "session:view":
      return (
        actor.tenantRole !== "student" ||
        (resource.kind === "session" && actor.session?.sessionId === resource.sessionId)
      );
    case "participant:grant":
      // Co-teachers may let students draw or present, not put them on camera.
      return (
        actor.session?.role === "host" ||
        (resource.kind === "participant" &&
          (resource.grant === "can_draw" || resource.grant === "can_present"))
      );
    default:
      return true;
  }
}

/** The matrix as a markdown table (for notes and docs): action × role. */
export function describeMatrix(): string {
  const tenantRoles = tenantRoleSchema.options;
  const sessionRoles = sessionRoleSchema.options;
  const lines = [
    `| school action | ${tenantRoles.join(" | ")} |`,
    `|---|${tenantRoles.map(() => "---").join("|")}|`,
    ...Object.entries(tenantRules).map(
      ([action, rule]) =>
        `| ${action} | ${tenantRoles.map((r) => (rule as Partial<Record<TenantRole, Access>>)[r] ?? "—").join(" | ")} |`,
    ),
    "",
    `| class action | ${sessionRoles.join(" | ")} | or grant |`,
    `|---|${sessionRoles.map(() => "---").join("|")}|---|`,
    ...Object.entries(sessionRules).map(([action, rule]) => {
      const grants = "grants" in rule ? rule.grants.join(", ") : "—";
      const roles = rule.roles as readonly SessionRole[];
      return `| ${action} | ${sessionRoles.map((r) => (roles.includes(r) ? "yes" : "—")).join(" | ")} | ${grants} |`;
    }),
  ];
  return lines.join("\n");
}
