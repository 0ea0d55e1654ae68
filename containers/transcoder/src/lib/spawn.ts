/**
 * Runs external tools (yt-dlp, ffmpeg, ffprobe) with the guarantees the transcoder needs: every child
 * leads its own process group, and an abort or a timeout kills the whole group with SIGKILL, so the
 * ffmpeg that yt-dlp starts for a merge dies with it. Output is split into lines for progress parsing
 * and kept only up to a bound.
 */
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";

export type RunOptions = {
  signal?: AbortSignal;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Keep stdout (e.g. yt-dlp -J); more than this many bytes fails the run. Default: keep nothing. */
  captureStdoutBytes?: number;
};

export type RunResult = {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last 64 KiB of stderr: enough for error messages, bounded for chatty tools. */
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  stdoutOverflow: boolean;
  spawnError?: Error;
};

const STDERR_TAIL_BYTES = 64 * 1024;

const liveGroups = new Set<number>();

/** Process group ids of children still running (for tests and for shutdown). */
export const liveChildGroups = (): number[] => [...liveGroups];

const killGroup = (pgid: number): void => {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
};

/** Kills every child group this process started; used on shutdown. */
export const killAllChildren = (): void => {
  for (const pgid of liveGroups) killGroup(pgid);
};

const lineSplitter = (onLine: ((line: string) => void) | undefined) => {
  let pending = "";
  // Multi-byte characters may straddle chunks.
  const decoder = new StringDecoder("utf8");
  return {
    push(chunk: Buffer): string {
      const text = decoder.write(chunk);
      if (!onLine) return text;
      pending += text;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      for (const line of lines) if (line) onLine(line);
      return text;
    },
    flush() {
      if (onLine && pending) onLine(pending);
      pending = "";
    },
  };
};

export const runProcess = (command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> =>
  new Promise((resolve) => {
    const result: RunResult = {
      code: null,
      signal: null,
      stdout: "",
      stderr: "",
      timedOut: false,
      aborted: false,
      stdoutOverflow: false,
    };
    if (opts.signal?.aborted) {
      result.aborted = true;
      resolve(result);
      return;
    }
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const pgid = child.pid;
    if (pgid !== undefined) liveGroups.add(pgid);

    const stop = (why: "timeout" | "abort" | "overflow") => {
      if (why === "timeout") result.timedOut = true;
      if (why === "abort") result.aborted = true;
      if (why === "overflow") result.stdoutOverflow = true;
      if (pgid !== undefined) killGroup(pgid);
    };
    const onAbort = () => stop("abort");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const timer = opts.timeoutMs ? setTimeout(() => stop("timeout"), opts.timeoutMs) : undefined;

    const outLines = lineSplitter(opts.onStdoutLine);
    const errLines = lineSplitter(opts.onStderrLine);
    const captured: Buffer[] = [];
    let capturedBytes = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      if (opts.captureStdoutBytes !== undefined && !result.stdoutOverflow) {
        capturedBytes += chunk.length;
        if (capturedBytes > opts.captureStdoutBytes) stop("overflow");
        else captured.push(chunk);
      }
      outLines.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      const text = errLines.push(chunk);
      result.stderr = (result.stderr + text).slice(-STDERR_TAIL_BYTES);
    });
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      // The leader is gone; anything it left behind in its group goes too.
      if (pgid !== undefined) {
        killGroup(pgid);
        liveGroups.delete(pgid);
      }
      outLines.flush();
      errLines.flush();
      result.stdout = Buffer.concat(captured).toString("utf8");
      resolve(result);
    };
    child.on("error", (err) => {
      result.spawnError = err;
      // A child that never started emits no "close" we can rely on.
      if (pgid === undefined) finish();
    });
    // A grandchild may hold the pipes open after the leader exits: end the group on exit, so "close"
    // follows promptly.
    child.on("exit", (code, signal) => {
      result.code = code;
      result.signal = signal;
      if (pgid !== undefined) killGroup(pgid);
    });
    child.on("close", finish);
  });
