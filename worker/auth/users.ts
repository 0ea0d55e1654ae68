/**
 * Accounts: registration (pending until approved), approval, login. No HTTP here; handlers and the
 * operator command call these.
 */
import { eq, or } from "drizzle-orm";
import { getDb } from "../db/client";
import { users, type UserRow } from "../db/schema";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords";

export type RegisterOutcome = { ok: true; user: UserRow } | { ok: false; reason: "exists" };

export async function registerUser(env: Env, input: { username: string; email: string; password: string }): Promise<RegisterOutcome> {
  const db = getDb(env);
  const email = input.email.trim().toLowerCase();
  const clash = await db
    .select({ id: users.id })
    .from(users)
    .where(or(eq(users.username, input.username), eq(users.email, email)))
    .get();
  if (clash) return { ok: false, reason: "exists" };
  const passwordHash = await hashPassword(input.password);
  // The unique indexes settle a race between two identical registrations.
  const [user] = await db
    .insert(users)
    .values({ username: input.username, email, passwordHash, status: "pending", role: "user" })
    .onConflictDoNothing()
    .returning();
  return user ? { ok: true, user } : { ok: false, reason: "exists" };
}

export type LoginOutcome = { ok: true; user: UserRow } | { ok: false; reason: "invalid" | "pending" | "disabled" };

/** Every failure path hashes once, so response time does not tell whether the username exists. */
export async function authenticateUser(env: Env, username: string, password: string): Promise<LoginOutcome> {
  const user = await getDb(env).select().from(users).where(eq(users.username, username)).get();
  const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !valid) return { ok: false, reason: "invalid" };
  if (user.status === "pending") return { ok: false, reason: "pending" };
  if (user.status === "disabled") return { ok: false, reason: "disabled" };
  return { ok: true, user };
}

export async function getUserById(env: Env, id: number): Promise<UserRow | undefined> {
  return getDb(env).select().from(users).where(eq(users.id, id)).get();
}

export async function approveUser(env: Env, username: string, now = Date.now()): Promise<UserRow | undefined> {
  const [user] = await getDb(env)
    .update(users)
    .set({ status: "active", approvedAt: new Date(now) })
    .where(eq(users.username, username))
    .returning();
  return user;
}

export async function listUsersByStatus(env: Env, status: UserRow["status"]): Promise<UserRow[]> {
  return getDb(env).select().from(users).where(eq(users.status, status)).orderBy(users.createdAt);
}
