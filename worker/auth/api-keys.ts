/**
 * API keys: owned by a user, shown once at creation, stored as a SHA-256 hash (keys are 192 random bits,
 * so a fast hash is enough: there is nothing to brute-force), listed by prefix, revocable.
 * Format: `mpk_` + 32 base64url characters; the first 12 characters are the displayed prefix.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { getDb } from "../db/client";
import { apiKeys, users, type ApiKeyRow } from "../db/schema";
import { sha256Hex, toBase64Url } from "../lib/crypto";
import { newId } from "../lib/ids";
import type { AuthContext } from "./context";

const KEY_PATTERN = /^mpk_[A-Za-z0-9_-]{32}$/;
export const looksLikeApiKey = (text: string) => KEY_PATTERN.test(text);

export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The full key: returned once, never stored. */
  key: string;
}

export async function createApiKey(env: Env, userId: number, name: string, now = Date.now()): Promise<CreatedApiKey> {
  const key = `mpk_${toBase64Url(crypto.getRandomValues(new Uint8Array(24)))}`;
  const [row] = await getDb(env)
    .insert(apiKeys)
    .values({ id: newId(), userId, name, prefix: key.slice(0, 12), keyHash: await sha256Hex(key), createdAt: new Date(now) })
    .returning();
  return { row: row!, key };
}

export async function listApiKeys(env: Env, userId: number): Promise<ApiKeyRow[]> {
  return getDb(env).select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
}

/** Revoke one of the user's own keys; another user's key id behaves exactly like an unknown one. */
export async function revokeApiKey(env: Env, userId: number, keyId: string, now = Date.now()): Promise<boolean> {
  const revoked = await getDb(env)
    .update(apiKeys)
    .set({ revokedAt: new Date(now) })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return revoked.length === 1;
}

/** The account behind a key, if the key is live and the account active. */
export async function authenticateApiKey(env: Env, key: string, now = Date.now()): Promise<(AuthContext & { keyId: string }) | undefined> {
  if (!looksLikeApiKey(key)) return undefined;
  const db = getDb(env);
  const row = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.keyHash, await sha256Hex(key)))
    .get();
  if (!row || row.key.revokedAt || row.user.status !== "active") return undefined;
  // Last use is informational: refresh it at most once a minute per key.
  if (!row.key.lastUsedAt || now - row.key.lastUsedAt.getTime() > 60_000) {
    await db.update(apiKeys).set({ lastUsedAt: new Date(now) }).where(eq(apiKeys.id, row.key.id));
  }
  return { userId: row.user.id, username: row.user.username, role: row.user.role, via: "api_key", keyId: row.key.id };
}
