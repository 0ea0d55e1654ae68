/**
 * User access tokens: HS256 JWTs signed with JWT_SECRET (≥ 256 bits). Verification pins the algorithm
 * list to HS256 (so `alg: none` and RS/HS confusion are rejected by jose), and requires issuer, expiry and
 * subject.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { getConfig } from "../env";

const encoder = new TextEncoder();

export interface AccessClaims {
  userId: number;
  username: string;
  role: "user" | "admin";
}

export async function issueAccessToken(env: Env, claims: AccessClaims, now = Date.now()): Promise<string> {
  const config = getConfig(env);
  const iat = Math.floor(now / 1000);
  return new SignJWT({ name: claims.username, role: claims.role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(claims.userId))
    .setIssuer(config.JWT_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.JWT_TTL_SECONDS)
    .sign(encoder.encode(config.JWT_SECRET));
}

export type TokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: "expired" | "invalid" };

export async function verifyAccessToken(env: Env, token: string): Promise<TokenCheck> {
  const config = getConfig(env);
  try {
    const { payload } = await jwtVerify(token, encoder.encode(config.JWT_SECRET), {
      algorithms: ["HS256"],
      issuer: config.JWT_ISSUER,
      requiredClaims: ["exp", "sub", "iat"],
    });
    const userId = Number(payload.sub);
    const role = payload.role === "admin" ? "admin" : "user";
    if (!Number.isSafeInteger(userId) || userId <= 0 || typeof payload.name !== "string") return { ok: false, reason: "invalid" };
    return { ok: true, claims: { userId, username: payload.name, role } };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
    return { ok: false, reason: "invalid" };
  }
}
