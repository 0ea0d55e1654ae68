/**
 * Reads the running `wrangler dev`'s local D1 and R2 state straight from its persist directory (miniflare
 * keeps each in a SQLite file), so an e2e test can check what is stored — every R2 key under a prefix —
 * without an API the platform does not have. Read-only.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync, type SQLInputValue } from "node:sqlite";

function databases(persistDir: string, kind: "r2/miniflare-R2BucketObject" | "d1/miniflare-D1DatabaseObject"): DatabaseSync[] {
  const dir = path.join(persistDir, "v3", kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
    .map((f) => new DatabaseSync(path.join(dir, f), { readOnly: true }));
}

/** Every object key under `prefix` in the local R2 buckets. */
export function localR2Keys(persistDir: string, prefix: string): string[] {
  const keys: string[] = [];
  for (const db of databases(persistDir, "r2/miniflare-R2BucketObject")) {
    try {
      const rows = db.prepare("SELECT key FROM _mf_objects WHERE substr(key, 1, ?) = ? ORDER BY key").all(prefix.length, prefix);
      keys.push(...rows.map((r) => String(r.key)));
    } finally {
      db.close();
    }
  }
  return keys;
}

/** Rows of a query against the local D1 database. */
export function localD1(persistDir: string, sql: string, ...params: SQLInputValue[]): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const db of databases(persistDir, "d1/miniflare-D1DatabaseObject")) {
    try {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'social_videos'").get();
      if (hasTable) rows.push(...(db.prepare(sql).all(...params) as Record<string, unknown>[]));
    } finally {
      db.close();
    }
  }
  return rows;
}
