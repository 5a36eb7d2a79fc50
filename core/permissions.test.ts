import { describe, expect, it } from "vitest";
import {
  assertCan,
  can,
  PermissionDeniedError,
  type Action,
  type Actor,
  type Grant,
  type Resource,
  type SessionRole,
  type TenantRole,
} from "./permissions";

/*
 * The full matrix, written out by hand: if a rule in core/permissions.ts changes,
 * a row here must change with it. Y = allowed, O = only on own resources, - = denied.
 */
const T = "tenant-a";
const ME = "user-me";
const OTHER = "user-other";
const CLASS = "class-1";

const tenantMatrix: Record<
  string,
  [owner: string, admin: string, teacher: string, student: string]
> = {
  "tenant:update_settings": ["Y", "Y", "-", "-"],
  "member:list": ["Y", "Y", "Y", "-"],
  "audit_log:read": ["Y", "Y", "-", "-"],
  "course:create": ["Y", "Y", "Y", "-"],
  "course:update": ["Y", "Y", "O", "-"],
  "course:archive": ["Y", "Y", "O", "-"],
  "session:schedule": ["Y", "Y", "O", "-"],
  "session:update": ["Y", "Y", "O", "-"],
  "session:cancel": ["Y", "Y", "O", "-"],
  "session:enroll": ["Y", "Y", "O", "-"],
};

const tenantRoles: TenantRole[] = ["owner", "admin", "teacher", "student"];

function resourceFor(action: string, ownerId: string): Resource {
  const kind = action.split(":")[0];
  if (kind === "course") return { tenantId: T, kind: "course", ownerId };
  if (kind === "session") return { tenantId: T, kind: "session", sessionId: CLASS, ownerId };
  if (kind === "audit_log") return { tenantId: T, kind: "audit_log" };
  if (kind === "member") return { tenantId: T, kind: "member", userId: OTHER, role: "student" };
  return { tenantId: T, kind: "tenant" };
}

const member = (tenantRole: TenantRole | null, session?: Actor["session"]): Actor => ({
  userId: ME,
  tenantId: T,
  tenantRole,
  session,
});

describe("school actions by tenant role", () => {
  const rows = Object.entries(tenantMatrix).flatMap(([action, cells]) =>
    tenantRoles.map((role, i) => ({ action, role, expected: cells[i]! })),
  );
  it.each(rows)("$action for $role: $expected", ({ action, role, expected }) => {
    const onOwn = can(member(role), action as Action, resourceFor(action, ME));
    const onOthers = can(member(role), action as Action, resourceFor(action, OTHER));
    expect({ onOwn, onOthers }).toEqual({
      onOwn: expected !== "-",
      onOthers: expected === "Y",
    });
  });
});

describe("managing people", () => {
  const cases: [
    actor: TenantRole,
    action: Action,
    target: Partial<Resource & { kind: "member" }>,
    ok: boolean,
  ][] = [
    ["owner", "member:invite", { role: undefined, newRole: "admin" }, true],
    ["owner", "member:invite", { newRole: "owner" }, true],
    ["admin", "member:invite", { newRole: "teacher" }, true],
    ["admin", "member:invite", { newRole: "student" }, true],
    ["admin", "member:invite", { newRole: "admin" }, false],
    ["teacher", "member:invite", { newRole: "student" }, false],
    ["student", "member:invite", { newRole: "student" }, false],
    ["owner", "member:change_role", { userId: OTHER, role: "teacher", newRole: "admin" }, true],
    ["owner", "member:change_role", { userId: OTHER, role: "admin", newRole: "teacher" }, true],
    ["admin", "member:change_role", { userId: OTHER, role: "student", newRole: "teacher" }, true],
    ["admin", "member:change_role", { userId: OTHER, role: "teacher", newRole: "admin" }, false],
    ["admin", "member:change_role", { userId: OTHER, role: "owner", newRole: "student" }, false],
    ["admin", "member:change_role", { userId: OTHER, role: "admin", newRole: "teacher" }, false],
    ["owner", "member:change_role", { userId: ME, role: "owner", newRole: "admin" }, false],
    ["admin", "member:change_role", { userId: ME, role: "admin", newRole: "owner" }, false],
    [
      "teacher",
      "member:change_role",
      { userId: OTHER, role: "student", newRole: "teacher" },
      false,
    ],
    ["owner", "member:remove", { userId: OTHER, role: "admin" }, true],
    ["admin", "member:remove", { userId: OTHER, role: "student" }, true],
    ["admin", "member:remove", { userId: OTHER, role: "owner" }, false],
    ["admin", "member:remove", { userId: ME, role: "admin" }, false],
    ["teacher", "member:remove", { userId: OTHER, role: "student" }, false],
  ];
  it.each(cases)("%s %s %j → %s", (role, action, target, ok) => {
    expect(can(member(role), action, { tenantId: T, kind: "member", ...target })).toBe(ok);
  });
});

describe("live-class actions by session role and grant", () => {
  const sessionRoles: SessionRole[] = ["host", "co_teacher", "student", "observer"];
  // host, co_teacher, student, observer
  const matrix: Record<string, [string, string, string, string]> = {
    "session:start": ["Y", "Y", "-", "-"],
    "session:end": ["Y", "-", "-", "-"],
    "session:join": ["Y", "Y", "Y", "Y"],
    "recording:start": ["Y", "-", "-", "-"],
    "recording:stop": ["Y", "-", "-", "-"],
    "participant:change_role": ["Y", "-", "-", "-"],
    "board:draw": ["Y", "Y", "-", "-"],
    "slides:navigate": ["Y", "Y", "-", "-"],
    "scene:change": ["Y", "Y", "-", "-"],
    "scene:manage": ["Y", "Y", "-", "-"],
    "chat:post": ["Y", "Y", "Y", "-"],
    "chat:moderate": ["Y", "Y", "-", "-"],
    "question:ask": ["-", "Y", "Y", "-"],
    "question:upvote": ["-", "Y", "Y", "-"],
    "question:moderate": ["Y", "Y", "-", "-"],
    "poll:manage": ["Y", "Y", "-", "-"],
    "poll:vote": ["-", "-", "Y", "-"],
    "hand:raise": ["-", "-", "Y", "-"],
    "hand:lower_any": ["Y", "Y", "-", "-"],
    "cta:manage": ["Y", "Y", "-", "-"],
    "media:publish": ["Y", "Y", "-", "-"],
    "media:subscribe": ["Y", "Y", "Y", "Y"],
    "media:hidden": ["-", "-", "-", "Y"],
  };
  const rows = Object.entries(matrix).flatMap(([action, cells]) =>
    sessionRoles.map((role, i) => ({ action, role, expected: cells[i] === "Y" })),
  );
  const inClass = { tenantId: T, kind: "session" as const, sessionId: CLASS };

  it.each(rows)("$action for $role: $expected", ({ action, role, expected }) => {
    const actor = member("teacher", { sessionId: CLASS, role, grants: [] });
    expect(can(actor, action as Action, inClass)).toBe(expected);
  });

  const grants: [Grant, Action, boolean][] = [
    ["can_draw", "board:draw", true],
    ["can_draw", "slides:navigate", false],
    ["can_present", "slides:navigate", true],
    ["can_present", "scene:change", true],
    ["can_present", "scene:manage", false],
    ["can_publish", "media:publish", true],
    ["can_publish", "board:draw", false],
  ];
  it.each(grants)("a student with %s: %s → %s", (grant, action, expected) => {
    const actor = member("student", { sessionId: CLASS, role: "student", grants: [grant] });
    expect(can(actor, action, inClass)).toBe(expected);
  });

  it("gives no live powers without a place in that very class", () => {
    expect(can(member("owner"), "session:start", inClass)).toBe(false);
    const elsewhere = member("teacher", { sessionId: "class-2", role: "host", grants: [] });
    expect(can(elsewhere, "session:start", inClass)).toBe(false);
    expect(can(elsewhere, "board:draw", inClass)).toBe(false);
  });

  it("lets co-teachers hand out drawing and presenting, but not the stage", () => {
    const co = member("teacher", { sessionId: CLASS, role: "co_teacher", grants: [] });
    const host = member("teacher", { sessionId: CLASS, role: "host", grants: [] });
    const target = (grant: Grant): Resource => ({
      tenantId: T,
      kind: "participant",
      sessionId: CLASS,
      userId: OTHER,
      grant,
    });
    expect(can(co, "participant:grant", target("can_draw"))).toBe(true);
    expect(can(co, "participant:grant", target("can_present"))).toBe(true);
    expect(can(co, "participant:grant", target("can_publish"))).toBe(false);
    expect(can(host, "participant:grant", target("can_publish"))).toBe(true);
  });
});

describe("boundaries", () => {
  it("denies everything across schools, even to an owner", () => {
    expect(can(member("owner"), "member:list", { tenantId: "tenant-b", kind: "tenant" })).toBe(
      false,
    );
    const host = member("owner", { sessionId: CLASS, role: "host", grants: [] });
    expect(
      can(host, "session:end", { tenantId: "tenant-b", kind: "session", sessionId: CLASS }),
    ).toBe(false);
  });

  it("denies everything to someone who is not a member", () => {
    expect(
      can(member(null), "session:view", { tenantId: T, kind: "session", sessionId: CLASS }),
    ).toBe(false);
    expect(can(member(null), "member:list", { tenantId: T, kind: "tenant" })).toBe(false);
  });

  it("shows a student only the classes they take part in", () => {
    const session = { tenantId: T, kind: "session" as const, sessionId: CLASS };
    expect(can(member("student"), "session:view", session)).toBe(false);
    expect(
      can(
        member("student", { sessionId: CLASS, role: "student", grants: [] }),
        "session:view",
        session,
      ),
    ).toBe(true);
    expect(can(member("teacher"), "session:view", session)).toBe(true);
  });

  it("throws a typed error from assertCan", () => {
    const error = (() => {
      try {
        assertCan(member("student"), "audit_log:read", { tenantId: T, kind: "audit_log" });
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
