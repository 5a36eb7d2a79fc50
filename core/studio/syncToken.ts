import { createHmac } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { grantSchema, sessionRoleSchema } from "../identity/permissions";

/**
 * Short-lived tokens the web app mints for the sync server: who (user, school),
 * which class, and their role and grants there. Signed with a key derived from
 * AUTH_SECRET, so web and sync processes share it without sharing the secret's
 * other uses.
 */
export const syncClaimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  sid: z.uuid(),
  role: sessionRoleSchema,
  grants: z.array(grantSchema),
  name: z.string().max(200),
});
export type SyncClaims = z.infer<typeof syncClaimsSchema>;

const AUDIENCE = "lectern-sync";
export const SYNC_TOKEN_TTL_SECONDS = 10 * 60;

const keyFor = (authSecret: string) =>
  new Uint8Array(createHmac("sha256", authSecret).update("lectern sync tokens").digest());

export async function mintSyncToken(
  authSecret: string,
  claims: SyncClaims,
  ttlSeconds = SYNC_TOKEN_TTL_SECONDS,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlSeconds * 1_000);
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1_000))
    .sign(keyFor(authSecret));
  return { token, expiresAt };
}

/** The token's claims and expiry, or null when it is forged, expired or malformed. */
export async function verifySyncToken(
  authSecret: string,
  token: string,
): Promise<(SyncClaims & { expiresAt: Date }) | null> {
  try {
    const { payload } = await jwtVerify(token, keyFor(authSecret), {
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    const parsed = syncClaimsSchema.safeParse(payload);
    return parsed.success && payload.exp
      ? { ...parsed.data, expiresAt: new Date(payload.exp * 1_000) }
      : null;
  } catch {
    return null;
  }
}
