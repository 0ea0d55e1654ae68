/**
 * A `wrangler dev` Worker's local D1, reached the way an operator would (`wrangler d1 execute --local`):
 * the benchmarks seed it with SQL files and read query plans from it.
 */
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../test/support/processes.ts";

const run = promisify(execFile);
const wranglerEnv = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

export async function d1Execute(persistDir: string, args: string[]): Promise<string> {
  const { stdout } = await run("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persistDir, ...args], {
    cwd: repoRoot,
    env: wranglerEnv,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

export async function d1Query<T>(persistDir: string, sql: string): Promise<T[]> {
  const out = JSON.parse(await d1Execute(persistDir, ["--json", "--command", sql])) as { results: T[] }[];
  return out.flatMap((r) => r.results);
}

/**
 * Seed rows `from`..`to` (inclusive) in files of `perFile` rows, each written by `sqlFor(a, b)` (inclusive
 * bounds), executed and removed; logs the time under `label`.
 */
export async function seedInFiles(persistDir: string, work: string, label: string, from: number, to: number, perFile: number, sqlFor: (a: number, b: number) => string): Promise<void> {
  const start = performance.now();
  for (let a = from; a <= to; a += perFile) {
    const b = Math.min(to, a + perFile - 1);
    const file = path.join(work, `seed-${a}-${b}.sql`);
    await writeFile(file, sqlFor(a, b));
    await d1Execute(persistDir, ["--file", file, "--yes"]);
    await rm(file);
  }
  console.log(`seeded ${label} ${from.toLocaleString("en-US")}..${to.toLocaleString("en-US")} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}
