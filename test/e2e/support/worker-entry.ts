/**
 * `wrangler dev` on another entry module than wrangler.toml's `main` (a test-only Worker that wraps the
 * real one), with the same bindings; and the resident memory of the workerd processes it runs.
 * `startWorker` in test/support/processes.ts starts the real entry; this is its twin with an entry.
 *
 * The entry is bundled once into a temporary directory and served with `--no-bundle`: `wrangler dev`
 * otherwise watches every source file and restarts the Worker mid-request when one changes, and this
 * tree is edited while tests run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, startProcess, waitForHttp, type ManagedProcess } from "../../support/processes.ts";

export interface EntryWorker extends ManagedProcess {
  url: string;
}

function run(step: ManagedProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) =>
    step.child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed:\n${step.output().slice(-5000)}`)))),
  );
}

export async function startWorkerEntry(entry: string, vars: Record<string, string>): Promise<EntryWorker> {
  const port = await freePort();
  const persistDir = mkdtempSync(path.join(tmpdir(), "media-platform-entry-"));
  const env = { CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
  const allVars = { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ...vars };
  await run(startProcess("migrate", "npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], env), "migrations");
  const bundleDir = path.join(persistDir, "bundle");
  await run(
    startProcess("bundle", "npx", ["wrangler", "deploy", "--dry-run", "--containers-rollout=none", "--outdir", bundleDir, "--config", "wrangler.toml", entry], env),
    "bundling",
  );
  const bundled = path.join(bundleDir, `${path.basename(entry, path.extname(entry))}.js`);
  const varArgs = Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const proc = startProcess(
    "worker-entry",
    "npx",
    ["wrangler", "dev", bundled, "--no-bundle", "--config", "wrangler.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--show-interactive-dev-session=false", ...varArgs],
    env,
  );
  const url = `http://127.0.0.1:${port}`;
  // Any answer at all means workerd is serving.
  try {
    await waitForHttp(`${url}/__ready`, 90_000, () => true);
  } catch (err) {
    await proc.stop();
    rmSync(persistDir, { recursive: true, force: true });
    throw new Error(`${String(err)}\n--- wrangler output ---\n${proc.output().slice(-5000)}`);
  }
  return {
    ...proc,
    url,
    async stop(signal) {
      await proc.stop(signal);
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Pids of the `workerd` processes below `root` in the process tree. */
export function workerdPids(root: number): number[] {
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
  const below = (pid: number): boolean => {
    for (let p = parentOf(pid), hops = 0; p !== undefined && p > 1 && hops < 20; p = parentOf(p), hops++) if (p === root) return true;
    return false;
  };
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "workerd" && below(pid);
    } catch {
      return false;
    }
  });
}

/** Resident set size in bytes (VmRSS), or 0 once the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}
