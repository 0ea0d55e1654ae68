import { getDb } from "../../../worker/db/client";
import { users } from "../../../worker/db/schema";
import { hashPassword } from "../../../worker/auth/passwords";
import { postJson } from "./http";

/** Create an account directly (as the operator command does) and log it in through the API. */
export async function createUser(env: Env, opts: { username?: string; password?: string; role?: "user" | "admin"; status?: "active" | "pending" | "disabled" } = {}) {
  const username = opts.username ?? `user_${crypto.randomUUID().slice(0, 8)}`;
  const password = opts.password ?? "correct horse battery";
  const [row] = await getDb(env)
    .insert(users)
    .values({ username, email: `${username}@example.test`, passwordHash: await hashPassword(password), role: opts.role ?? "user", status: opts.status ?? "active" })
    .returning();
  let token = "";
  if ((opts.status ?? "active") === "active") {
    const res = await postJson("/api/login", { username, password });
    token = ((await res.json()) as { access_token: string }).access_token;
  }
  return { user: row!, username, password, token, auth: { Authorization: `Bearer ${token}` } };
}
