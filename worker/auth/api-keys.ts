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
/**
 * What an imported key (seed 004's keys from its `.env`, `import-key` or ARCHIVER_API_KEYS) may look like:
 * any printable ASCII without spaces. Such keys are accepted in `X-API-Key` only; a bearer token is a key
 * only in the platform's own format.
 */
export const IMPORTED_KEY_PATTERN = /^[\x21-\x7e]{8,512}$/;
/** The owner of ARCHIVER_API_KEYS entries given without one. */
export const DEFAULT_IMPORTED_KEY_OWNER = "archiver";

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
  if (!looksLikeApiKey(key) && !IMPORTED_KEY_PATTERN.test(key)) return undefined;
  await importConfiguredKeys(env);
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

/**
 * Makes an existing key valid for `owner` (created as an account that cannot log in when missing): only
 * its SHA-256 is stored. Idempotent; a key already registered keeps its owner. Returns the key's row id.
 */
export async function importApiKey(env: Env, owner: string, key: string, name: string, now = Date.now()): Promise<string> {
  if (!IMPORTED_KEY_PATTERN.test(key)) throw new Error("an imported key must be 8-512 printable characters without spaces");
  const db = getDb(env);
  // A password hash no scheme accepts: the owner of imported keys has no password until an admin sets one.
  await db
    .insert(users)
    .values({ username: owner, email: `${owner}@keys.invalid`, passwordHash: "!imported-keys-only", status: "active", createdAt: new Date(now), approvedAt: new Date(now) })
    .onConflictDoNothing();
  const user = await db.select({ id: users.id }).from(users).where(eq(users.username, owner)).get();
  if (!user) throw new Error(`could not create the key owner ${owner}`);
  const keyHash = await sha256Hex(key);
  await db
    .insert(apiKeys)
    .values({ id: newId(), userId: user.id, name, prefix: `${key.slice(0, 4)}…`, keyHash, createdAt: new Date(now) })
    .onConflictDoNothing();
  const row = await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
  return row!.id;
}

/** `key` or `owner:key` entries, comma-separated; the owner part must look like a username. */
export function parseConfiguredKeys(text: string | undefined): { owner: string; key: string }[] {
  if (!text) return [];
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Za-z0-9._-]{1,64}):(.+)$/.exec(entry);
      return m ? { owner: m[1]!, key: m[2]! } : { owner: DEFAULT_IMPORTED_KEY_OWNER, key: entry };
    });
}

/** ARCHIVER_API_KEYS, imported once per isolate and secret value (a redeploy with new keys imports again). */
const imported = new Map<string, Promise<void>>();
function importConfiguredKeys(env: Env): Promise<void> {
  const text = env.ARCHIVER_API_KEYS;
  if (!text) return Promise.resolve();
  let done = imported.get(text);
  if (!done) {
    done = (async () => {
      for (const { owner, key } of parseConfiguredKeys(text)) await importApiKey(env, owner, key, "ARCHIVER_API_KEYS");
    })().catch((err: unknown) => {
      imported.delete(text);
      throw err;
    });
    imported.set(text, done);
  }
  return done;
}
