/**
 * Starting and stopping the real platform processes for e2e tests and benchmarks: the transcoder (Node)
 * and the Worker (`wrangler dev` on workerd with local D1 / R2 / Queues / Durable Objects). Everything
 * listens on 127.0.0.1 only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

/**
 * A loopback port nothing listens on, for "connection refused" cases. It is taken below the kernel's
 * ephemeral range (32768–60999 on Linux), where ports bound to 0 come from: a released ephemeral port can be
 * handed to the next server any test file starts meanwhile, and the "refused" connection would reach it.
 */
export async function refusedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (await canListen(port)) return port;
  }
  throw new Error("no free loopback port between 20000 and 29999");
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number, isReady: (res: Response) => boolean = (r) => r.status < 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (isReady(res)) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

export interface ManagedProcess {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawn in its own process group so stop() also ends grandchildren (wrangler → workerd, yt-dlp → ffmpeg). */
export function startProcess(name: string, cmd: string, args: string[], env: Record<string, string>, quiet = true): ManagedProcess {
  const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
    if (!quiet) process.stderr.write(`[${name}] ${chunk}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    child,
    output: () => log,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // gone
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface TranscoderHandle extends ManagedProcess {
  url: string;
  port: number;
}

export async function startTranscoder(opts: { port?: number; token: string; allowedOrigins: string[]; workDir?: string }): Promise<TranscoderHandle> {
  const port = opts.port ?? (await freePort());
  const proc = startProcess("transcoder", process.execPath, ["containers/transcoder/src/server.ts"], {
    PORT: String(port),
    HOST: "127.0.0.1",
    TRANSCODER_TOKEN: opts.token,
    TRANSCODER_TEST_MODE: "1",
    TRANSCODER_ALLOWED_ORIGINS: opts.allowedOrigins.join(","),
    ...(opts.workDir ? { WORK_DIR: opts.workDir } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 30_000, (r) => r.ok);
  return { ...proc, url, port };
}

export interface WorkerHandle extends ManagedProcess {
  url: string;
  port: number;
  persistDir: string;
  vars: Record<string, string>;
}

export async function startWorker(vars: Record<string, string>, opts: { port?: number; persistDir?: string } = {}): Promise<WorkerHandle> {
  const port = opts.port ?? (await freePort());
  const persistDir = opts.persistDir ?? mkdtempSync(path.join(tmpdir(), "media-platform-e2e-"));
  const allVars = { PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ...vars };
  const env = { CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
  const migrate = startProcess("migrate", "npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], env);
  await new Promise<void>((resolve, reject) =>
    migrate.child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`migrations failed:\n${migrate.output()}`)))),
  );
  const varArgs = Object.entries(allVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const proc = startProcess(
    "worker",
    "npx",
    ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--show-interactive-dev-session=false", "--test-scheduled", ...varArgs],
    env,
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/ping`, 90_000, (r) => r.ok);
  } catch (err) {
    await proc.stop();
    throw new Error(`${String(err)}\n--- wrangler output ---\n${proc.output().slice(-5000)}`);
  }
  return {
    ...proc,
    url,
    port,
    persistDir,
    vars: allVars,
    async stop(signal) {
      await proc.stop(signal);
      if (!opts.persistDir) rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
