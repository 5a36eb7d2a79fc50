import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { organization } from "better-auth/plugins";
import type { Config } from "../core/platform/config";
import { CLIENT_IP_HEADER, isInternal } from "./authApi.server";
import type { Mailer } from "../core/platform/mailer";
import type { DbHandle } from "../db/client";
import {
  authAccounts,
  authRateLimits,
  authSessions,
  authVerifications,
  invitations,
  tenants,
  userRoles,
  users,
} from "../db/schema";

/** Organization endpoints a browser may call; every other membership change goes through our services (audited). */
const OPEN_ORGANIZATION_PATHS = new Set(["/organization/set-active", "/organization/list"]);

export type Auth = ReturnType<typeof createAuth>;

/**
 * better-auth on our own tables: users and auth_* for identity, and the
 * organization plugin mapped onto tenants (schools), user_roles (members) and
 * invitations. It runs on the directory pool, which may read memberships across
 * schools (sign-in resolves a person's schools before any is chosen).
 */
export function createAuth(deps: { config: Config; directory: DbHandle; mailer: Mailer }) {
  const { config, mailer } = deps;
  const secure = config.APP_URL.startsWith("https://");
  const strict = { window: 60, max: config.AUTH_RATE_LIMIT_MAX };
  return betterAuth({
    appName: "Lectern",
    baseURL: config.APP_URL,
    basePath: "/api/auth",
    secret: config.AUTH_SECRET,
    trustedOrigins: [new URL(config.APP_URL).origin],
    database: drizzleAdapter(deps.directory.db, {
      provider: "pg",
      schema: {
        user: users,
        session: authSessions,
        account: authAccounts,
        verification: authVerifications,
        organization: tenants,
        member: userRoles,
        invitation: invitations,
        rateLimit: authRateLimits,
      },
    }),
    advanced: {
      database: { generateId: "uuid" },
      useSecureCookies: secure,
      cookiePrefix: "lectern",
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 14,
      updateAge: 60 * 60 * 24,
    },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 10,
      maxPasswordLength: 128,
      autoSignIn: true,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      sendResetPassword: async ({ user, url }) => {
        await mailer.send({
          to: user.email,
          subject: "Reset your Lectern password",
          text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your Lectern password. Choose a new one here within the next hour:\n\n${url}\n\nIf it wasn't you, ignore this email: your password stays as it is.`,
        });
      },
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      window: 60,
      max: 100 * config.AUTH_RATE_LIMIT_MAX,
      customRules: {
        "/sign-in/email": strict,
        "/sign-up/email": strict,
        "/request-password-reset": strict,
        "/reset-password": strict,
      },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        // People sign up through our page, which checks the invitation or the
        // school's open sign-up first; it calls this endpoint with an internal token.
        if (ctx.path === "/sign-up/email" && !isInternal(ctx.request, config.AUTH_SECRET)) {
          throw new APIError("FORBIDDEN", { message: "Sign up from the sign-up page." });
        }
        if (
          ctx.request &&
          ctx.path.startsWith("/organization/") &&
          !OPEN_ORGANIZATION_PATHS.has(ctx.path)
        ) {
          throw new APIError("FORBIDDEN", { message: "Manage people from the school's pages." });
        }
      }),
    },
    plugins: [
      organization({
        allowUserToCreateOrganization: false,
        schema: {
          session: { fields: { activeOrganizationId: "activeTenantId" } },
          member: { fields: { organizationId: "tenantId" } },
          invitation: { fields: { organizationId: "tenantId" } },
        },
      }),
    ],
  });
}
