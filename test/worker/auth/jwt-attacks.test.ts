/**
 * Forged and broken tokens against a route that needs a user. Every one must be refused with 401 in the
 * face's shape; the control (a correctly signed token) must pass, so the test can fail.
 */
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/http";
import { createUser } from "../support/users";

const enc = new TextEncoder();
const b64url = (v: unknown) => btoa(typeof v === "string" ? v : JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const now = () => Math.floor(Date.now() / 1000);

let userId = 0;
let username = "";
let validToken = "";
let pendingId = 0;

function claims(overrides: Record<string, unknown> = {}) {
  return { sub: String(userId), name: username, role: "user", iss: env.JWT_ISSUER, iat: now(), exp: now() + 600, ...overrides };
}

async function hs256(payload: Record<string, unknown>, secret = env.JWT_SECRET, header: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", ...header }).sign(enc.encode(secret));
}

const attacks: [string, () => Promise<string>][] = [
  ["alg none, no signature", async () => `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims())}.`],
  ["alg None (case variant)", async () => `${b64url({ alg: "None", typ: "JWT" })}.${b64url(claims())}.`],
  ["alg none with a signature part", async () => `${b64url({ alg: "none" })}.${b64url(claims())}.${b64url("sig")}`],
  ["HS512 with the real secret (algorithm not allowed)", async () => new SignJWT(claims()).setProtectedHeader({ alg: "HS512" }).sign(enc.encode(env.JWT_SECRET))],
  [
    "RS256 with an attacker's key",
    async () => {
      const { privateKey } = await generateKeyPair("RS256");
      return new SignJWT(claims()).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    },
  ],
  [
    "HS256 signed with an attacker's public key as the HMAC secret (RS/HS confusion)",
    async () => {
      const { publicKey } = await generateKeyPair("RS256", { extractable: true });
      const jwk = await exportJWK(publicKey);
      return hs256(claims(), JSON.stringify(jwk));
    },
  ],
  [
    "embedded jwk header",
    async () => {
      const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
      return new SignJWT(claims()).setProtectedHeader({ alg: "ES256", jwk: await exportJWK(publicKey) }).sign(privateKey);
    },
  ],
  ["wrong secret", async () => hs256(claims(), "not-the-secret-not-the-secret-not-the-secret")],
  ["tampered payload: role admin", async () => {
    const [h, , s] = validToken.split(".");
    return `${h}.${b64url(claims({ role: "admin" }))}.${s}`;
  }],
  ["tampered payload: other subject", async () => {
    const [h, , s] = validToken.split(".");
    return `${h}.${b64url(claims({ sub: "1" }))}.${s}`;
  }],
  ["expired", async () => hs256(claims({ iat: now() - 7200, exp: now() - 3600 }))],
  ["not yet valid (nbf in the future)", async () => hs256(claims({ nbf: now() + 3600 }))],
  ["wrong issuer", async () => hs256(claims({ iss: "someone-else" }))],
  ["missing issuer", async () => hs256({ sub: String(userId), name: username, iat: now(), exp: now() + 600 })],
  ["missing expiry", async () => hs256({ sub: String(userId), name: username, iss: env.JWT_ISSUER, iat: now() })],
  ["missing subject", async () => hs256(claims({ sub: undefined }))],
  ["subject of no user", async () => hs256(claims({ sub: "987654321" }))],
  ["subject of a pending user", async () => hs256(claims({ sub: String(pendingId) }))],
  ["non-numeric subject", async () => hs256(claims({ sub: "1 OR 1=1" }))],
  ["signature stripped", async () => validToken.split(".").slice(0, 2).join(".") + "."],
  ["two tokens glued", async () => `${validToken}.${validToken}`],
  ["garbage", async () => "garbage"],
  ["three dots", async () => "..."],
  ["base64 of nothing", async () => "e30.e30.e30"],
  ["huge token", async () => "a".repeat(6000)],
  ["unicode", async () => "тест.тест.тест"],
];

describe("JWT verification", () => {
  beforeAll(async () => {
    const u = await createUser(env);
    userId = u.user.id;
    username = u.username;
    validToken = u.token;
    pendingId = (await createUser(env, { status: "pending" })).user.id;
  });

  it("should accept the control token", async () => {
    const res = await call("/api/user_info", { headers: { Authorization: `Bearer ${validToken}` } });
    expect(res.status).toBe(200);
    const lower = await call("/api/user_info", { headers: { Authorization: `bearer ${validToken}` } });
    expect(lower.status).toBe(200);
  });

  it.each(attacks)("should reject: %s", async (_name, make) => {
    const token = await make();
    const res = await call("/api/user_info", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: "error", message: expect.any(String) });
  });

  // The attacks are built from these helpers with one thing changed: unchanged, they must pass, or the
  // rejections above would prove nothing.
  it("should accept a token built by the attacks' own helpers without a change", async () => {
    const res = await call("/api/user_info", { headers: { Authorization: `Bearer ${await hs256(claims())}` } });
    expect(res.status).toBe(200);
  });
});
