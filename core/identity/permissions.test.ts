import { describe, expect, it } from "vitest";
import {
  actionSchema,
  assertCan,
  can,
  describeMatrix,
  PermissionDeniedError,
  type Action,
  type Actor,
  type Grant,
  type Resource,
  type SessionAction,
  type SessionRole,
  type TenantAction,
  type TenantRole,
} from "./permissions";

/*
 * The full matrix, written out by hand: if a rule in core/permissions.ts changes,
 * a row here must change with it. The expected values never come from the module.
 */
const T = "tenant-a";
const ME = "user-me";
const OTHER = "user-other";
const CLASS = "class-1";

const member = (tenantRole: TenantRole | null, session?: Actor["session"]): Actor => ({
  userId: ME,
  tenantId: T,
  tenantRole,
  session,
});

// Y = on anyone's, O = only on own (ownerId = actor), P = only as a participant of that class, - = never.
type SchoolCell = "Y" | "O" | "P" | "-";
const tenantRoles: TenantRole[] = ["owner", "admin", "teacher", "student"];
const schoolMatrix: Record<TenantAction, [SchoolCell, SchoolCell, SchoolCell, SchoolCell]> = {
  //                        owner admin teacher student
  "tenant:update_settings": ["Y", "Y", "-", "-"],
  "member:list": ["Y", "Y", "Y", "-"],
  "member:invite": ["Y", "Y", "-", "-"],
  "member:change_role": ["Y", "Y", "-", "-"],
  "member:remove": ["Y", "Y", "-", "-"],
  "audit_log:read": ["Y", "Y", "-", "-"],
  "course:create": ["Y", "Y", "Y", "-"],
  "course:update": ["Y", "Y", "O", "-"],
  "course:archive": ["Y", "Y", "O", "-"],
  "session:schedule": ["Y", "Y", "O", "-"],
  "session:update": ["Y", "Y", "O", "-"],
  "session:cancel": ["Y", "Y", "O", "-"],
  "session:enroll": ["Y", "Y", "O", "-"],
  "session:view": ["Y", "Y", "Y", "P"],
};

/** A typical resource for a school action; for people, a student being made a teacher. */
function schoolResource(action: TenantAction, ownerId: string): Resource {
  switch (action) {
    case "member:invite":
      return { tenantId: T, kind: "member", newRole: "teacher" };
    case "member:change_role":
      return { tenantId: T, kind: "member", userId: OTHER, role: "student", newRole: "teacher" };
    case "member:remove":
      return { tenantId: T, kind: "member", userId: OTHER, role: "student" };
    case "audit_log:read":
      return { tenantId: T, kind: "audit_log" };
    case "tenant:update_settings":
    case "member:list":
      return { tenantId: T, kind: "tenant" };
    case "course:create":
    case "course:update":
    case "course:archive":
      return { tenantId: T, kind: "course", ownerId };
    default:
      return { tenantId: T, kind: "session", sessionId: CLASS, ownerId };
  }
}

// Columns: the four session roles, then a student holding one grant.
const places: [label: string, role: SessionRole, grants: Grant[]][] = [
  ["host", "host", []],
  ["co_teacher", "co_teacher", []],
  ["student", "student", []],
  ["observer", "observer", []],
  ["student+can_draw", "student", ["can_draw"]],
  ["student+can_present", "student", ["can_present"]],
  ["student+can_publish", "student", ["can_publish"]],
];
type C = "Y" | "-";
const classMatrix: Record<SessionAction, [C, C, C, C, C, C, C]> = {
  //                         host co   stud  obs  +draw +pres +publ
  "session:start": ["Y", "Y", "-", "-", "-", "-", "-"],
  "session:end": ["Y", "-", "-", "-", "-", "-", "-"],
  "session:join": ["Y", "Y", "Y", "Y", "Y", "Y", "Y"],
  "recording:start": ["Y", "-", "-", "-", "-", "-", "-"],
  "recording:stop": ["Y", "-", "-", "-", "-", "-", "-"],
  "participant:change_role": ["Y", "-", "-", "-", "-", "-", "-"],
  "participant:grant": ["Y", "Y", "-", "-", "-", "-", "-"],
  "board:draw": ["Y", "Y", "-", "-", "Y", "-", "-"],
  "slides:navigate": ["Y", "Y", "-", "-", "-", "Y", "-"],
  "scene:change": ["Y", "Y", "-", "-", "-", "Y", "-"],
  "scene:manage": ["Y", "Y", "-", "-", "-", "-", "-"],
  "chat:post": ["Y", "Y", "Y", "-", "Y", "Y", "Y"],
  "chat:moderate": ["Y", "Y", "-", "-", "-", "-", "-"],
  "chat:lock": ["Y", "-", "-", "-", "-", "-", "-"],
  "question:ask": ["-", "Y", "Y", "-", "Y", "Y", "Y"],
  "question:upvote": ["-", "Y", "Y", "-", "Y", "Y", "Y"],
  "question:moderate": ["Y", "Y", "-", "-", "-", "-", "-"],
  "poll:manage": ["Y", "Y", "-", "-", "-", "-", "-"],
  "poll:vote": ["-", "-", "Y", "-", "Y", "Y", "Y"],
  "hand:raise": ["-", "-", "Y", "-", "Y", "Y", "Y"],
  "hand:lower_any": ["Y", "Y", "-", "-", "-", "-", "-"],
  "cta:manage": ["Y", "Y", "-", "-", "-", "-", "-"],
  "media:publish": ["Y", "Y", "-", "-", "-", "-", "Y"],
  "media:subscribe": ["Y", "Y", "Y", "Y", "Y", "Y", "Y"],
  "media:hidden": ["-", "-", "-", "Y", "-", "-", "-"],
  "artifacts:view": ["Y", "Y", "-", "-", "-", "-", "-"],
  "artifacts:rerun": ["Y", "-", "-", "-", "-", "-", "-"],
};

/** A typical resource for a class action; for participant changes, letting a student draw. */
function classResource(action: SessionAction, sessionId = CLASS): Resource {
  return action.startsWith("participant:")
    ? {
        tenantId: T,
        kind: "participant",
        sessionId,
        userId: OTHER,
        role: "student",
        grant: "can_draw",
      }
    : { tenantId: T, kind: "session", sessionId };
}

const placeActor = ([, role, grants]: (typeof places)[number], sessionId = CLASS): Actor =>
  member(role === "host" || role === "co_teacher" ? "teacher" : "student", {
    sessionId,
    role,
    grants,
  });

const schoolRows = Object.entries(schoolMatrix).flatMap(([action, cells]) =>
  tenantRoles.map((role, i) => ({ action: action as TenantAction, role, cell: cells[i]! })),
);
const classRows = Object.entries(classMatrix).flatMap(([action, cells]) =>
  places.map((place, i) => ({ action: action as SessionAction, place, cell: cells[i]! })),
);

/** Every allowed cell of both matrices as (actor, action, resource): the base for the boundary tests. */
const allowedCases: { action: Action; actor: Actor; resource: Resource }[] = [
  ...schoolRows
    .filter((r) => r.cell !== "-")
    .map(({ action, role, cell }) => ({
      action,
      actor: member(
        role,
        cell === "P" ? { sessionId: CLASS, role: "student", grants: [] } : undefined,
      ),
      resource: schoolResource(action, ME),
    })),
  ...classRows
    .filter((r) => r.cell === "Y")
    .map(({ action, place }) => ({
      action,
      actor: placeActor(place),
      resource: classResource(action),
    })),
];

describe("the matrix", () => {
  it("has a row for every action", () => {
    expect([...Object.keys(schoolMatrix), ...Object.keys(classMatrix)].sort()).toEqual(
      [...actionSchema.options].sort(),
    );
  });

  it.each(schoolRows)("$action for $role: $cell", ({ action, role, cell }) => {
    const participant = member(role, { sessionId: CLASS, role: "student", grants: [] });
    expect({
      onOthers: can(member(role), action, schoolResource(action, OTHER)),
      onOwn: can(member(role), action, schoolResource(action, ME)),
      asParticipant: can(participant, action, schoolResource(action, OTHER)),
    }).toEqual({
      onOthers: cell === "Y",
      onOwn: cell === "Y" || cell === "O",
      asParticipant: cell === "Y" || cell === "P",
    });
  });

  it.each(classRows)("$action for $place.0: $cell", ({ action, place, cell }) => {
    expect(can(placeActor(place), action, classResource(action))).toBe(cell === "Y");
  });

  it("prints every action once as a markdown table row", () => {
    const table = describeMatrix();
    for (const action of actionSchema.options) {
      expect(table.split("\n").filter((line) => line.startsWith(`| ${action} |`))).toHaveLength(1);
    }
  });
});

describe("managing people", () => {
  type Target = Omit<Extract<Resource, { kind: "member" }>, "tenantId" | "kind">;
  const cases: [actor: TenantRole, action: Action, target: Target, ok: boolean][] = [
    ["owner", "member:invite", { newRole: "admin" }, true],
    ["owner", "member:invite", { newRole: "owner" }, true],
    ["admin", "member:invite", { newRole: "student" }, true],
    ["admin", "member:invite", {}, true], // "may invite at all", e.g. to list pending invitations
    ["admin", "member:invite", { newRole: "admin" }, false],
    ["admin", "member:invite", { newRole: "owner" }, false],
    ["owner", "member:change_role", { userId: OTHER, role: "teacher", newRole: "admin" }, true],
    ["owner", "member:change_role", { userId: OTHER, role: "admin", newRole: "owner" }, true],
    ["owner", "member:change_role", { userId: OTHER, role: "owner", newRole: "teacher" }, true],
    ["admin", "member:change_role", { userId: OTHER, role: "student", newRole: "teacher" }, true],
    ["admin", "member:change_role", { userId: OTHER, role: "teacher", newRole: "owner" }, false],
    ["admin", "member:change_role", { userId: OTHER, role: "teacher", newRole: "admin" }, false],
    ["admin", "member:change_role", { userId: OTHER, role: "owner", newRole: "student" }, false],
    ["admin", "member:change_role", { userId: OTHER, role: "admin", newRole: "teacher" }, false],
    ["owner", "member:change_role", { userId: ME, role: "owner", newRole: "admin" }, false],
    ["admin", "member:change_role", { userId: ME, role: "admin", newRole: "teacher" }, false],
    // Without the current role or the new one there is nothing safe to decide.
    ["owner", "member:change_role", { userId: OTHER, newRole: "teacher" }, false],
    ["owner", "member:change_role", { userId: OTHER, role: "student" }, false],
    ["owner", "member:remove", { userId: OTHER, role: "owner" }, true],
    ["owner", "member:remove", { userId: OTHER, role: "admin" }, true],
    ["admin", "member:remove", { userId: OTHER, role: "student" }, true],
    ["admin", "member:remove", { userId: OTHER, role: "owner" }, false],
    ["admin", "member:remove", { userId: OTHER, role: "admin" }, false],
    ["owner", "member:remove", { userId: ME, role: "owner" }, false],
    ["admin", "member:remove", { userId: ME, role: "admin" }, false],
    ["owner", "member:remove", { role: "student" }, false],
  ];
  it.each(cases)("%s %s %j → %s", (role, action, target, ok) => {
    expect(can(member(role), action, { tenantId: T, kind: "member", ...target })).toBe(ok);
  });
});

describe("courses and classes", () => {
  const teacher = member("teacher");
  it("lets a teacher manage their own course, not a colleague's", () => {
    expect(can(teacher, "course:update", { tenantId: T, kind: "course", ownerId: ME })).toBe(true);
    expect(can(teacher, "course:archive", { tenantId: T, kind: "course", ownerId: OTHER })).toBe(
      false,
    );
    expect(can(teacher, "course:update", { tenantId: T, kind: "course" })).toBe(false);
    expect(can(teacher, "course:update", { tenantId: T, kind: "course", ownerId: null })).toBe(
      false,
    );
  });

  it("refuses a resource of the wrong kind", () => {
    expect(can(member("admin"), "course:update", { tenantId: T, kind: "tenant" })).toBe(false);
    expect(can(teacher, "session:update", { tenantId: T, kind: "course", ownerId: ME })).toBe(
      false,
    );
  });

  it("shows a student only the classes they take part in", () => {
    const session: Resource = { tenantId: T, kind: "session", sessionId: CLASS };
    const inClass = (sessionId: string) =>
      member("student", { sessionId, role: "student", grants: [] });
    expect(can(member("student"), "session:view", session)).toBe(false);
    expect(can(inClass(CLASS), "session:view", session)).toBe(true);
    expect(can(inClass("class-2"), "session:view", session)).toBe(false);
    expect(can(member("student"), "session:view", { tenantId: T, kind: "session" })).toBe(false);
  });
});

describe("changing people's place in a class", () => {
  const co = member("teacher", { sessionId: CLASS, role: "co_teacher", grants: [] });
  const host = member("teacher", { sessionId: CLASS, role: "host", grants: [] });
  const target = (grant: Grant, role?: SessionRole, userId = OTHER): Resource => ({
    tenantId: T,
    kind: "participant",
    sessionId: CLASS,
    userId,
    role,
    grant,
  });
  const cases: [who: string, actor: Actor, action: Action, resource: Resource, ok: boolean][] = [
    ["co_teacher", co, "participant:grant", target("can_draw", "student"), true],
    ["co_teacher", co, "participant:grant", target("can_present", "student"), true],
    ["co_teacher", co, "participant:grant", target("can_publish", "student"), false],
    ["co_teacher", co, "participant:grant", target("can_draw", "observer"), false],
    ["co_teacher", co, "participant:grant", target("can_draw"), false],
    ["co_teacher", co, "participant:change_role", target("can_draw", "student"), false],
    ["host", host, "participant:grant", target("can_publish", "student"), true],
    ["host", host, "participant:change_role", target("can_draw", "student"), true],
    ["host", host, "participant:change_role", target("can_draw", "host", ME), false],
  ];
  it.each(cases)("%s: %s %j → %s", (_who, actor, action, resource, ok) => {
    expect(can(actor, action, resource)).toBe(ok);
  });
});

describe("boundaries", () => {
  it.each(allowedCases)("$action is denied across schools", ({ action, actor, resource }) => {
    expect(can(actor, action, resource)).toBe(true);
    expect(
      can({ ...actor, tenantRole: "owner" }, action, { ...resource, tenantId: "tenant-b" }),
    ).toBe(false);
    expect(can(actor, action, { ...resource, tenantId: "tenant-b" })).toBe(false);
  });

  it.each(allowedCases)("$action is denied to a non-member", ({ action, actor, resource }) => {
    expect(can({ ...actor, tenantRole: null }, action, resource)).toBe(false);
  });

  it.each(Object.keys(classMatrix) as SessionAction[])(
    "%s needs a place in that very class",
    (action) => {
      for (const place of places) {
        expect(can(placeActor(place, "class-2"), action, classResource(action))).toBe(false);
      }
      // School owners and admins outside the class get no live powers.
      expect(can(member("owner"), action, classResource(action))).toBe(false);
      expect(can(member("admin"), action, classResource(action))).toBe(false);
    },
  );

  it("gives school owners and admins a class's records (artifacts) from their place, nothing live", () => {
    const observer = { sessionId: CLASS, role: "observer" as const, grants: [] };
    for (const role of ["owner", "admin"] as const) {
      for (const action of Object.keys(classMatrix) as SessionAction[]) {
        const expected =
          action.startsWith("artifacts:") ||
          action === "session:join" ||
          action === "media:subscribe" ||
          action === "media:hidden";
        expect(
          can(member(role, observer), action, classResource(action)),
          `${role} ${action}`,
        ).toBe(expected);
      }
    }
    // A teacher of the school watching someone else's class is no admin.
    expect(
      can(member("teacher", observer), "artifacts:view", classResource("artifacts:view")),
    ).toBe(false);
  });

  it("throws a typed error from assertCan", () => {
    const resource: Resource = { tenantId: T, kind: "audit_log" };
    expect(() => assertCan(member("admin"), "audit_log:read", resource)).not.toThrow();
    const error = (() => {
      try {
        assertCan(member("student"), "audit_log:read", resource);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({
      code: "forbidden",
      action: "audit_log:read",
      resourceKind: "audit_log",
    });
  });
});
