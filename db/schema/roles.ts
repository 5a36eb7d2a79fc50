/**
 * Role and grant names, with no other dependency so both the schema and the
 * browser-side permission checks (core/permissions.ts) can import them.
 */
export const tenantRoleKeys = ["owner", "admin", "teacher", "student"] as const;
export const sessionRoles = ["host", "co_teacher", "student", "observer"] as const;
export const sessionGrants = ["can_draw", "can_present", "can_publish"] as const;
