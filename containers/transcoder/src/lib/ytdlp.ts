/**
 * yt-dlp, run through our own spawn helper (not yt-dlp-wrap): we need process-group kills that take
 * the merging ffmpeg down too, bounded output capture, a progress template we parse ourselves, and no
 * dependency on `pgrep` in the image. yt-dlp-wrap offers none of those.
 *
 * Every run: no config files, no cache, HOME and XDG dirs inside the operation's work dir, all traffic
 * through the operation's egress proxy, and the generic extractor only in test mode.
 */
import { access } from "node:fs/promises";
import path from "node:path";
import type { Config } from "../config.ts";
import { type FlatEntry, type YtDlpExtraction, flatEntrySchema, parseExtraction } from "./ytdlp-info.ts";
import { lastErrorLine, ytDlpFailure } from "./ytdlp-errors.ts";
import { type Result, fail, ok } from "./result.ts";
import { runProcess } from "./spawn.ts";

export type YtDlpContext = {
  config: Config;
  signal: AbortSignal;
  /** The operation's egress proxy (see egress-proxy.ts). */
  proxyUrl: string;
  /** The operation's private directory: yt-dlp's HOME and cache live here. */
  workDir: string;
};

/** `--use-extractors` value: the generic extractor reads any web page, so it is for fixtures only. */
export const extractorsFor = (testMode: boolean): string => (testMode ? "generic" : "default,-generic");

export const commonArgs = (ctx: YtDlpContext): string[] => [
  "--ignore-config",
  "--no-cache-dir",
  "--no-colors",
  "--no-mtime",
  "--use-extractors",
  extractorsFor(ctx.config.testMode),
  "--proxy",
  ctx.proxyUrl,
  "--socket-timeout",
  String(ctx.config.socketTimeoutSeconds),
  "--retries",
  "2",
  "--fragment-retries",
  "2",
  // yt-dlp wants a path here; a bare command name is better left to its own PATH search.
  ...(ctx.config.ffmpegPath.includes("/") ? ["--ffmpeg-location", ctx.config.ffmpegPath] : []),
];

/** A minimal environment: nothing from ours leaks in (proxies, config paths, credentials). */
const childEnv = (ctx: YtDlpContext): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  HOME: ctx.workDir,
  XDG_CACHE_HOME: path.join(ctx.workDir, ".cache"),
  XDG_CONFIG_HOME: path.join(ctx.workDir, ".config"),
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  PYTHONDONTWRITEBYTECODE: "1",
  PYTHONUNBUFFERED: "1",
});

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );

const MAX_INFO_JSON_BYTES = 64 * 1024 * 1024;

export type ExtractOptions = { playlist: boolean; maxItems: number };

/** `yt-dlp -J`: metadata and formats of a post, without downloading media. */
export const extractInfo = async (url: string, ctx: YtDlpContext, opts: ExtractOptions): Promise<Result<YtDlpExtraction>> => {
  const args = [
    ...commonArgs(ctx),
    "-J",
    ...(opts.playlist ? ["--yes-playlist", "--playlist-items", `1:${opts.maxItems}`] : ["--no-playlist"]),
    "--",
    url,
  ];
  const run = await runProcess(ctx.config.ytDlpPath, args, {
    signal: ctx.signal,
    timeoutMs: ctx.config.resolveTimeoutMs,
    env: childEnv(ctx),
    cwd: ctx.workDir,
    captureStdoutBytes: MAX_INFO_JSON_BYTES,
  });
  if (run.aborted) return fail("internal", "aborted", false);
  if (run.timedOut) return fail("timeout", `yt-dlp metadata extraction took longer than ${ctx.config.resolveTimeoutMs} ms`);
  if (run.spawnError) return fail("internal", `cannot run yt-dlp: ${run.spawnError.message}`);
  if (run.stdoutOverflow) return fail("source.too_large", "metadata larger than 64 MiB", false);
  if (run.code !== 0) return ytDlpFailure(run.stderr, run.code);
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    return fail("internal", "yt-dlp printed no JSON");
  }
  const extraction = parseExtraction(json);
  if (!extraction) return fail("internal", "yt-dlp JSON has an unexpected shape");
  return ok(extraction);
};

export type FlatListOptions = {
  /** `--playlist-end`: yt-dlp reads no further than this many entries. */
  maxEntries: number;
  timeoutMs: number;
  /** Each entry in the source's order; answering false stops yt-dlp there (later entries cannot matter). */
  onEntry: (entry: FlatEntry) => boolean;
};

/**
 * `yt-dlp -j --flat-playlist`: a profile's or hashtag's entries, one JSON line each as yt-dlp pages
 * through the list (rather than `-J`, which prints nothing until the whole list is read), so a caller
 * that has what it needs ends the walk, and TikTok is asked for no further pages. Resolves with the
 * list's title when one was reported.
 */
export const listFlatEntries = async (url: string, ctx: YtDlpContext, opts: FlatListOptions): Promise<Result<{ title: string | undefined }>> => {
  const args = [...commonArgs(ctx), "-j", "--flat-playlist", "--yes-playlist", "--playlist-end", String(opts.maxEntries), "--", url];
  let title: string | undefined;
  let stopped = false;
  const local = new AbortController();
  const onAbort = () => local.abort();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  const run = await runProcess(ctx.config.ytDlpPath, args, {
    signal: local.signal,
    timeoutMs: opts.timeoutMs,
    env: childEnv(ctx),
    cwd: ctx.workDir,
    onStdoutLine: (line) => {
      if (stopped) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return;
      }
      const entry = flatEntrySchema.safeParse(json);
      if (!entry.success) return;
      title ??= entry.data.playlist_title ?? entry.data.playlist;
      if (!opts.onEntry(entry.data)) {
        stopped = true;
        local.abort();
      }
    },
  });
  ctx.signal.removeEventListener("abort", onAbort);

  if (ctx.signal.aborted) return fail("internal", "aborted", false);
  if (stopped) return ok({ title });
  if (run.timedOut) return fail("timeout", `yt-dlp listing took longer than ${opts.timeoutMs} ms`);
  if (run.spawnError) return fail("internal", `cannot run yt-dlp: ${run.spawnError.message}`);
  if (run.code !== 0) return ytDlpFailure(run.stderr, run.code);
  return ok({ title });
};

export type DownloadProgress = { fraction: number; bytes: number };

export type DownloadOptions = {
  /** Written by the caller: the entry's raw JSON, given back to yt-dlp so nothing is fetched twice. */
  infoJsonPath: string;
  spec: string;
  /** Output path without extension; yt-dlp appends the final one. */
  outputStem: string;
  maxBytes: number;
  mode: { kind: "video"; merge: boolean } | { kind: "audio-mp3" };
  onProgress: (p: DownloadProgress) => void;
  timeoutMs: number;
};

const PROGRESS_MARK = "@@progress";
const FILE_MARK = "@@file";

/** Parses one of our progress-template lines: status, downloaded, total, estimate, format id. */
export const parseProgressLine = (line: string) => {
  if (!line.startsWith(PROGRESS_MARK)) return undefined;
  const [, status, downloaded, total, estimate, formatId] = line.split(" ");
  const n = (s: string | undefined) => (s && /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined);
  return {
    status: status ?? "",
    downloaded: n(downloaded) ?? 0,
    total: n(total) ?? n(estimate),
    formatId: formatId ?? "",
  };
};

/**
 * Downloads the chosen formats of one entry (merging or extracting audio with ffmpeg) and returns the
 * final file path. Size is enforced three ways: `--max-filesize` for announced sizes, the running byte
 * count (the download is killed past `maxBytes`), and the caller's check of the final file.
 */
export const downloadEntry = async (ctx: YtDlpContext, opts: DownloadOptions): Promise<Result<string>> => {
  const formatCount = opts.spec.split("+").length;
  const args = [
    ...commonArgs(ctx),
    "--load-info-json",
    opts.infoJsonPath,
    "-f",
    opts.spec,
    "-o",
    `${opts.outputStem}.%(ext)s`,
    "--max-filesize",
    String(opts.maxBytes),
    "--no-playlist",
    "--no-part",
    "--newline",
    "--progress",
    "--progress-template",
    `download:${PROGRESS_MARK} %(progress.status)s %(progress.downloaded_bytes)s %(progress.total_bytes)s %(progress.total_bytes_estimate)s %(info.format_id)s`,
    "--print",
    `after_move:${FILE_MARK} %(filepath)s`,
    "--no-simulate",
    ...(opts.mode.kind === "audio-mp3"
      ? ["-x", "--audio-format", "mp3", "--audio-quality", "2"]
      : opts.mode.merge
        ? ["--merge-output-format", "mp4"]
        : []),
  ];

  let finishedBytes = 0;
  let finishedFormats = 0;
  let overLimit = false;
  let filePath: string | undefined;
  const local = new AbortController();
  const onAbort = () => local.abort();
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  const run = await runProcess(ctx.config.ytDlpPath, args, {
    signal: local.signal,
    timeoutMs: opts.timeoutMs,
    env: childEnv(ctx),
    cwd: ctx.workDir,
    onStdoutLine: (line) => {
      if (line.startsWith(FILE_MARK)) {
        filePath = line.slice(FILE_MARK.length + 1).trim();
        return;
      }
      const p = parseProgressLine(line);
      if (!p) return;
      const bytes = finishedBytes + p.downloaded;
      if (bytes > opts.maxBytes) {
        overLimit = true;
        local.abort();
        return;
      }
      const current = p.total ? Math.min(1, p.downloaded / p.total) : 0;
      if (p.status === "finished") {
        finishedBytes += p.downloaded;
        finishedFormats += 1;
        opts.onProgress({ fraction: Math.min(1, finishedFormats / formatCount), bytes: finishedBytes });
      } else {
        opts.onProgress({ fraction: Math.min(1, (finishedFormats + current) / formatCount), bytes });
      }
    },
  });
  ctx.signal.removeEventListener("abort", onAbort);

  if (overLimit) return fail("source.too_large", `download passed the ${opts.maxBytes} byte limit`, false);
  if (run.aborted) return fail("internal", "aborted", false);
  if (run.timedOut) return fail("timeout", `download took longer than ${opts.timeoutMs} ms`);
  if (run.spawnError) return fail("internal", `cannot run yt-dlp: ${run.spawnError.message}`);
  if (run.code !== 0) return ytDlpFailure(run.stderr, run.code);
  // Exit 0 without a file: yt-dlp skipped the download, which with our flags only --max-filesize does.
  if (!filePath) return fail("source.too_large", `media is larger than the ${opts.maxBytes} byte limit`, false);
  // yt-dlp can report a path whose post-processing (merge, extraction) failed without a non-zero exit.
  if (!(await exists(filePath))) return fail("internal", `yt-dlp reported ${path.basename(filePath)} but did not write it: ${lastErrorLine(run.stderr)}`);
  return ok(filePath);
};

/** `yt-dlp --version`, for /healthz. */
export const ytDlpVersion = async (config: Config, signal: AbortSignal): Promise<string | undefined> => {
  const run = await runProcess(config.ytDlpPath, ["--version"], { signal, timeoutMs: 15_000, captureStdoutBytes: 4096 });
  return run.code === 0 ? run.stdout.trim() : undefined;
};
