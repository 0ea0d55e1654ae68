#!/usr/bin/env node
// Operator commands (no manual SQL):
//   npm run admin -- create-admin <username> <email> [--remote]   password from $ADMIN_PASSWORD or stdin
//   npm run admin -- approve <username> [--remote]
//   npm run admin -- pending [--remote]
//   npm run admin -- create-key <username> <key name> [--remote]          prints the key once
//   npm run admin -- import-key <owner> <existing key> [--remote]         seed 004's keys from its .env, hash only
// Without --remote they act on the local development database (wrangler dev's), with it on production D1.
import { createHash, pbkdf2Sync, randomBytes, randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const remote = process.argv.includes("--remote");
const persistTo = process.argv.find((a) => a.startsWith("--persist-to="))?.slice("--persist-to=".length);
const [command, ...rest] = args;

// Names are checked for shape only: what keeps them out of the SQL is sqlString below. Usernames as login
// accepts them (1-64 characters; accounts from before the platform may have any of them), no control characters.
const USERNAME = /^[^\p{Cc}]{1,64}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const KEY_NAME = /^[^\p{Cc}]{1,100}$/u;
// Same stored format as worker/auth/passwords.ts.
const ITERATIONS = 100_000;

function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password.normalize("NFKC"), salt, ITERATIONS, 32, "sha256");
  return `pbkdf2-sha256$${ITERATIONS}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/**
 * Every value goes into SQL through one of these two: `wrangler d1 execute --command` takes no bound
 * parameters, so a string becomes a single-quoted literal with its quotes doubled (SQLite's only escape
 * inside one), and a number must be a safe integer, so nothing else can reach the statement text.
 */
function sqlString(value) {
  const text = String(value);
  if (text.includes("\0")) throw new Error("values may not contain NUL characters");
  return `'${text.replaceAll("'", "''")}'`;
}

function sqlInteger(value) {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

// Local D1 is a SQLite file that a running `wrangler dev` writes too, and workerd sets no busy timeout: a
// statement that meets its write lock fails at once with SQLITE_BUSY, having done nothing, so it is safe to
// run again. Any other failure is final.
const BUSY_RETRIES = 20;
const BUSY_PAUSE_MS = 250;

function d1(sql) {
  const where = remote ? ["--remote"] : ["--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync("npx", ["wrangler", "d1", "execute", "DB", ...where, "--json", "--command", sql], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CI: "1" },
    });
    if (r.status === 0) return JSON.parse(r.stdout)[0]?.results ?? [];
    // With --json wrangler reports the database's error on stdout; stderr holds npm's own warnings.
    const output = `${r.stdout}\n${r.stderr}`;
    if (!/SQLITE_BUSY/.test(output) || attempt >= BUSY_RETRIES) throw new Error(`wrangler d1 execute failed:\n${output.trim()}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BUSY_PAUSE_MS);
  }
}

async function readPassword() {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise((resolve) => rl.question("Password (min 12 characters): ", resolve));
  rl.close();
  return String(answer);
}

function need(cond, message) {
  if (!cond) {
    process.stderr.write(`${message}\n`);
    process.exit(2);
  }
}

async function main() {
  switch (command) {
    case "create-admin": {
      const [username, email] = rest;
      need(username && USERNAME.test(username), "usage: create-admin <username> <email>   (username: 1-64 characters)");
      need(email && EMAIL.test(email), "a valid e-mail address is required");
      const password = await readPassword();
      need(password.length >= 12, "the admin password must have at least 12 characters");
      const now = sqlInteger(Date.now());
      const rows = d1(
        `INSERT INTO users (username, email, password_hash, status, role, created_at, approved_at) VALUES ` +
          `(${sqlString(username)}, ${sqlString(email.toLowerCase())}, ${sqlString(hashPassword(password))}, 'active', 'admin', ${now}, ${now}) ` +
          `ON CONFLICT(username) DO UPDATE SET role = 'admin', status = 'active', password_hash = excluded.password_hash ` +
          `RETURNING id, username, role, status`,
      );
      process.stdout.write(`admin ready: ${JSON.stringify(rows[0])}\n`);
      break;
    }
    case "approve": {
      const [username] = rest;
      need(username && USERNAME.test(username), "usage: approve <username>");
      const rows = d1(
        `UPDATE users SET status = 'active', approved_at = ${sqlInteger(Date.now())} WHERE username = ${sqlString(username)} RETURNING id, username, status`,
      );
      need(rows.length === 1, `no user named ${username}`);
      process.stdout.write(`approved: ${JSON.stringify(rows[0])}\n`);
      break;
    }
    case "pending": {
      const rows = d1(`SELECT username, email, created_at FROM users WHERE status = 'pending' ORDER BY created_at`);
      for (const r of rows) process.stdout.write(`${r.username}\t${r.email}\t${new Date(r.created_at).toISOString()}\n`);
      if (rows.length === 0) process.stdout.write("no pending users\n");
      break;
    }
    case "create-key": {
      const [username, ...nameParts] = rest;
      const name = nameParts.join(" ").trim();
      need(username && USERNAME.test(username), "usage: create-key <username> <key name>");
      need(KEY_NAME.test(name), "a key name of 1-100 characters is required");
      // Same format and hash as worker/auth/api-keys.ts: shown once, only the SHA-256 is stored.
      const key = `mpk_${randomBytes(24).toString("base64url")}`;
      const hash = createHash("sha256").update(key).digest("hex");
      const rows = d1(
        `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) ` +
          `SELECT ${sqlString(randomUUID())}, id, ${sqlString(name)}, ${sqlString(key.slice(0, 12))}, ${sqlString(hash)}, ${sqlInteger(Date.now())} FROM users ` +
          `WHERE username = ${sqlString(username)} AND status = 'active' RETURNING id, prefix`,
      );
      need(rows.length === 1, `no active user named ${username}`);
      process.stdout.write(`API key for ${username} (shown once, store it now):\n${key}\n`);
      break;
    }
    case "import-key": {
      const [owner, key] = rest;
      need(owner && /^[A-Za-z0-9._-]{1,64}$/.test(owner) && key, "usage: import-key <owner> <existing key>");
      // Same rules and hash as worker/auth/api-keys.ts importApiKey: the key itself is never stored.
      need(/^[\x21-\x7e]{8,512}$/.test(key), "an imported key must be 8-512 printable characters without spaces");
      const now = sqlInteger(Date.now());
      d1(
        `INSERT INTO users (username, email, password_hash, status, role, created_at, approved_at) VALUES ` +
          `(${sqlString(owner)}, ${sqlString(`${owner}@keys.invalid`)}, '!imported-keys-only', 'active', 'user', ${now}, ${now}) ON CONFLICT DO NOTHING`,
      );
      const hash = createHash("sha256").update(key).digest("hex");
      const rows = d1(
        `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at) ` +
          `SELECT ${sqlString(randomUUID())}, id, 'imported', ${sqlString(`${key.slice(0, 4)}…`)}, ${sqlString(hash)}, ${now} FROM users ` +
          `WHERE username = ${sqlString(owner)} ON CONFLICT(key_hash) DO NOTHING RETURNING id`,
      );
      process.stdout.write(rows.length === 1 ? `imported a key for ${owner} (only its SHA-256 is stored)\n` : "that key was already imported\n");
      break;
    }
    default:
      need(false, "commands: create-admin <username> <email> | approve <username> | pending | create-key <username> <name> | import-key <owner> <key>   [--remote]");
  }
}

main().catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
