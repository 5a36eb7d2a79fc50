import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { AppError } from "../core/platform/errors";
import type { TenantRole } from "../core/identity/permissions";
import {
  findMembership,
  findTenantByHost,
  findTenantBySlug,
  listSchoolsOf,
  type TenantRow,
} from "../db/tenancy";

export interface SignedInUser {
  id: string;
  name: string;
  email: string;
}

type AuthSession = Awaited<ReturnType<AppLoadContext["auth"]["api"]["getSession"]>>;

// Every loader of one page asks who is signed in; ask the database once per request.
const sessions = new WeakMap<Request, Promise<AuthSession>>();

/** The better-auth session of this request (user and active school), or null. */
export function authSession(request: Request, context: AppLoadContext): Promise<AuthSession> {
  let session = sessions.get(request);
  if (!session) {
    session = context.auth.api.getSession({ headers: request.headers });
    sessions.set(request, session);
  }
  return session;
}

/** The signed-in person, or null. */
export async function getUser(
  request: Request,
  context: AppLoadContext,
): Promise<SignedInUser | null> {
  const session = await authSession(request, context);
  if (!session) return null;
  const { id, name, email } = session.user;
  return { id, name, email };
}

/** The signed-in person, or a redirect to sign-in that comes back here afterwards. */
export async function requireUser(
  request: Request,
  context: AppLoadContext,
): Promise<SignedInUser> {
  const user = await getUser(request, context);
  if (user) return user;
  const url = new URL(request.url);
  throw redirect(`/sign-in?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

export interface Member {
  user: SignedInUser;
  tenant: Pick<TenantRow, "id" | "name" | "slug" | "settings">;
  role: TenantRole;
  actor: { userId: string; tenantId: string; tenantRole: TenantRole };
}

/**
 * The school a request is for: the host's school when the host is mapped in
 * `tenant_domains`, otherwise the `/s/:slug` path. On a school's own host, a
 * path naming another school is not found.
 */
export async function resolveTenant(
  request: Request,
  context: AppLoadContext,
  slug: string | undefined,
): Promise<TenantRow | null> {
  const directory = context.db.directory.db;
  const host = new URL(request.url).hostname;
  const byHost = await findTenantByHost(directory, host);
  if (byHost) return !slug || slug === byHost.slug ? byHost : null;
  return slug ? findTenantBySlug(directory, slug) : null;
}

/**
 * The signed-in member of the school the request is for. Unknown schools and
 * schools the person does not belong to are the same 404: nothing leaks.
 */
export function requireMember(
  request: Request,
  context: AppLoadContext,
  slug: string | undefined,
): Promise<Member> {
  // The school layout and the page below it both need the member: resolve once.
  const key = `${slug ?? ""}`;
  let byRequest = members.get(request);
  if (!byRequest) members.set(request, (byRequest = new Map()));
  let member = byRequest.get(key);
  if (!member) {
    member = resolveMember(request, context, slug);
    byRequest.set(key, member);
  }
  return member;
}

const members = new WeakMap<Request, Map<string, Promise<Member>>>();

async function resolveMember(
  request: Request,
  context: AppLoadContext,
  slug: string | undefined,
): Promise<Member> {
  const user = await requireUser(request, context);
  const tenant = await resolveTenant(request, context, slug);
  const role = tenant ? await findMembership(context.db.directory.db, user.id, tenant.id) : null;
  if (!tenant || !role) throw new AppError("not_found", "We couldn't find that school.");
  return {
    user,
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, settings: tenant.settings },
    role,
    actor: { userId: user.id, tenantId: tenant.id, tenantRole: role },
  };
}

export function schoolsOf(context: AppLoadContext, userId: string) {
  return listSchoolsOf(context.db.directory.db, userId);
}
