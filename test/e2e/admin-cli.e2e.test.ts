/**
 * The operator command (scripts/admin.mjs) with names that are SQL: each value must arrive in D1 as itself,
 * the statement must stay the one the command means, and the tables must be intact afterwards. Runs against
 * a local D1 of its own (`--persist-to`, migrated here), read back with `wrangler d1 execute`.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/processes";
import { adminCli } from "./support/admin-cli";

const run = promisify(execFile);
const WRANGLER_ENV = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
const HOSTILE_KEY_NAME = "x'); DROP TABLE users; --";

let persistDir = "";

async function wrangler(args: string[]): Promise<string> {
  const { stdout } = await run("npx", ["wrangler", ...args, "--local", "--persist-to", persistDir], { cwd: repoRoot, env: WRANGLER_ENV });
  return stdout;
}

/** Fixed SQL written by the test itself (no outside values), read back as rows. */
async function query<Row>(sql: string): Promise<Row[]> {
  const out = JSON.parse(await wrangler(["d1", "execute", "DB", "--json", "--command", sql])) as { results: Row[] }[];
  return out[0]!.results;
}

async function cliFailure(args: string[]): Promise<string> {
  try {
    await adminCli(args, {}, persistDir);
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  throw new Error(`admin ${args.join(" ")} succeeded`);
}

beforeAll(async () => {
  persistDir = await mkdtemp(path.join(tmpdir(), "admin-cli-e2e-"));
  await wrangler(["d1", "migrations", "apply", "DB"]);
}, 120_000);
afterAll(() => rm(persistDir, { recursive: true, force: true }));

describe("operator command with quotes in names", () => {
  it("should store an account named o'brien and a key named like an injection verbatim, tables intact", async () => {
    const created = await adminCli(["create-admin", "o'brien", "O'Brien@example.test"], { ADMIN_PASSWORD: "correct horse battery staple" }, persistDir);
    expect(created).toContain(`"username":"o'brien"`);
    expect(await adminCli(["approve", "o'brien"], {}, persistDir)).toContain(`"username":"o'brien"`);

    const out = await adminCli(["create-key", "o'brien", HOSTILE_KEY_NAME], {}, persistDir);
    const key = /mpk_[A-Za-z0-9_-]{32}/.exec(out)?.[0];
    expect(key).toBeDefined();

    const users = await query<{ username: string; email: string; role: string; status: string }>("SELECT username, email, role, status FROM users");
    expect(users).toEqual([{ username: "o'brien", email: "o'brien@example.test", role: "admin", status: "active" }]);
    const keys = await query<{ name: string; key_hash: string; owner: string }>(
      "SELECT api_keys.name, api_keys.key_hash, users.username AS owner FROM api_keys JOIN users ON users.id = api_keys.user_id",
    );
    expect(keys).toEqual([{ name: HOSTILE_KEY_NAME, key_hash: createHash("sha256").update(key!).digest("hex"), owner: "o'brien" }]);
  }, 120_000);

  it("should treat a quoted condition in a username as a name, not as SQL", async () => {
    await query("INSERT INTO users (username, email, password_hash, status, role, created_at) VALUES ('bystander', 'b@example.test', 'x', 'pending', 'user', 0)");
    const stderr = await cliFailure(["approve", "nobody' OR '1'='1"]);
    expect(stderr).toContain("no user named nobody' OR '1'='1");
    // Had the condition run as SQL it would have approved every pending account.
    expect(await query("SELECT username, status FROM users WHERE username = 'bystander'")).toEqual([{ username: "bystander", status: "pending" }]);
    expect(await adminCli(["pending"], {}, persistDir)).toContain("bystander");
  }, 120_000);
});

describe("operator command beside a running Worker", () => {
  it("should wait out another process's write lock on local D1 instead of failing", async () => {
    // wrangler dev writes the same SQLite file and workerd sets no busy timeout, so without the command's
    // retry an approval that meets the Worker's lock fails at once with SQLITE_BUSY.
    await query("INSERT INTO users (username, email, password_hash, status, role, created_at) VALUES ('waiting', 'w@example.test', 'x', 'pending', 'user', 0)");
    const dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
    const file = (await readdir(dir)).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
    const holder = new DatabaseSync(path.join(dir, file!));
    holder.exec("BEGIN EXCLUSIVE");
    const release = setTimeout(() => holder.exec("COMMIT"), 3_000);
    try {
      expect(await adminCli(["approve", "waiting"], {}, persistDir)).toContain(`"status":"active"`);
    } finally {
      clearTimeout(release);
      if (holder.isTransaction) holder.exec("COMMIT");
      holder.close();
    }
    expect(await query("SELECT status FROM users WHERE username = 'waiting'")).toEqual([{ status: "active" }]);
  }, 120_000);
});
