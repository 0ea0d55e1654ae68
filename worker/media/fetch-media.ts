/**
 * Fetching media from a supported service into the media store, as a task. Shared by every face that
 * downloads by URL (saver, converter, later the studio and archiver).
 *
 * The task's idempotency key is (service, content id, selection): the same post with the same options is
 * one task and one set of files — the download cache. The task's result lists the stored files.
 */
import { z } from "zod";
import { fetchSelectionSchema, mediaServiceSchema, outputFileSchema, type FetchSelection } from "../../protocol/transcoder";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FileRow, TaskRow } from "../db/schema";
import { AppError } from "../lib/errors";
import { getConfig } from "../env";
import { expireTask, submitTask, waitForTask } from "../tasks/engine";
import { TaskError } from "../tasks/errors";
import { unwatchTask } from "../tasks/events";
import type { TaskHandler, TaskRunContext } from "../tasks/registry";
import { deletePrefix } from "./orphans";
import { registerObject, touchFilesForHandOut } from "./store";
import { uploadUrlFor } from "./signed-urls";
import { transcoderFor } from "./transcoder-client";

export const MEDIA_FETCH_KIND = "media.fetch";

export const mediaFetchPayloadSchema = z.object({
  service: mediaServiceSchema,
  sourceId: z.string(),
  canonicalUrl: z.string().url(),
  /** What the transcoder is pointed at: the canonical URL, or its fixture stand-in in test mode. */
  fetchUrl: z.string().url(),
  select: fetchSelectionSchema,
});
export type MediaFetchPayload = z.infer<typeof mediaFetchPayloadSchema>;

export const storedOutputSchema = outputFileSchema.extend({ fileId: z.string() });
export const mediaFetchResultSchema = z.object({
  title: z.string(),
  sourceId: z.string().optional(),
  uploader: z.string().optional(),
  outputs: z.array(storedOutputSchema),
});
export type MediaFetchResult = z.infer<typeof mediaFetchResultSchema>;

/** The idempotency key: stable for equal selections, whatever the property order. */
export function mediaFetchKey(payload: Pick<MediaFetchPayload, "service" | "sourceId" | "select">): string {
  const s = payload.select;
  const parts = [s.kind, s.maxHeight ?? "-", s.audioFormat ?? "-", s.noWatermark ? "nowm" : "wm", s.maxItems, s.bundle];
  return `${MEDIA_FETCH_KIND}:${payload.service}:${payload.sourceId}:${parts.join(":")}`;
}

/** Runs one attempt of a media.fetch task: the transcoder fetches, outputs land in R2, rows are registered. */
export const runMediaFetchTask: TaskHandler = async ({ env, task, progress, signal }) => {
  const payload = mediaFetchPayloadSchema.parse(task.payload);
  // One prefix per attempt: a crashed attempt's half-written outputs can never be mistaken for this one's.
  const prefix = `tasks/${task.id}/a${task.attempts}`;
  try {
    return await fetchIntoPrefix(env, task, payload, prefix, progress, signal);
  } catch (err) {
    // What this attempt wrote and did not register is garbage now (the next attempt writes under its own
    // prefix); remove it at once rather than leave it to the orphan sweep. Registered outputs are kept.
    await deletePrefix(env, prefix).catch((cleanup: unknown) =>
      console.warn(JSON.stringify({ level: "warn", event: "task.cleanup_failed", taskId: task.id, prefix, error: String(cleanup) })),
    );
    throw err;
  }
};

async function fetchIntoPrefix(
  env: Env,
  task: TaskRow,
  payload: MediaFetchPayload,
  prefix: string,
  progress: TaskRunContext["progress"],
  signal: AbortSignal,
): Promise<MediaFetchResult> {
  const config = getConfig(env);
  const uploadUrl = await uploadUrlFor(env, prefix, config.TASK_LEASE_SECONDS, config.MAX_MEDIA_BYTES, { taskId: task.id, leaseToken: task.leaseToken });
  const client = transcoderFor(env);
  const result = await client.run(
    "fetch",
    {
      taskId: task.id,
      url: payload.fetchUrl,
      service: payload.service,
      select: payload.select,
      output: { uploadUrl, maxBytes: config.MAX_MEDIA_BYTES },
    },
    async (event) => {
      if (event.type === "progress") await progress(event.percent, event.stage);
    },
    signal,
  );

  const outputs = [];
  for (const output of result.outputs) {
    const key = `${prefix}/${output.name}`;
    const head = await env.MEDIA.head(key);
    if (!head || head.size !== output.size) {
      throw new TaskError("upload.missing", `output ${output.name} was reported but not stored intact`, true);
    }
    const file = await registerObject(env, head, { contentType: output.contentType, sourceTaskId: task.id });
    outputs.push({ ...output, fileId: file.id });
  }
  return { title: result.title, sourceId: result.sourceId, uploader: result.uploader, outputs } satisfies MediaFetchResult;
}

export type FetchFailure =
  | { kind: "failed"; code: string; message: string }
  | { kind: "timeout" };

/** How a face words fetch failures: status and message per transcoder error code, plus timeout and fallback. */
export interface FailureWording {
  /** Per transcoder error code: a fixed message, or one built from the transcoder's own (which names the host). */
  codes: Partial<Record<string, [ContentfulStatusCode, string | ((detail: string) => string)]>>;
  timeout: string;
  fallback: [ContentfulStatusCode, string];
}

/** "could not reach www.tiktok.com (…)" → "Could not reach www.tiktok.com (…)": the transcoder's words, as a sentence. */
export const sentence = (detail: string): string => detail.charAt(0).toUpperCase() + detail.slice(1);

/** One place maps a fetch failure to the face's error (as cobalt's match.js does for its API). */
export function fetchFailureToError(failure: FetchFailure, wording: FailureWording): AppError {
  if (failure.kind === "timeout") return new AppError(504, wording.timeout, "timeout");
  const [status, message] = wording.codes[failure.code] ?? wording.fallback;
  return new AppError(status, typeof message === "function" ? message(failure.message) : message, failure.code);
}

/**
 * Failures a waiting client hears about at the first failed attempt, while the task keeps retrying in the
 * background: an unreachable source is worth retrying later, but not worth holding a request open through
 * every backoff (a server without internet would answer only after all attempts). A repeat of the request
 * joins the same task and gets its next outcome.
 */
const FAIL_FAST_CODES: ReadonlySet<string> = new Set(["source.unreachable"]);
const failedFast = (task: TaskRow) => task.status === "queued" && task.errorCode !== null && FAIL_FAST_CODES.has(task.errorCode);

export type FetchOutcome =
  | {
      ok: true;
      task: TaskRow;
      result: MediaFetchResult;
      files: Map<string, FileRow>;
      /** No fetch was started for this call: it joined a task that existed already (done, or running for another caller). */
      cached: boolean;
    }
  | { ok: false; task: TaskRow | undefined; failure: FetchFailure };

/**
 * Submit (or join) the fetch task for a source and wait for it. When the cached result's files were
 * collected in the meantime, the task is expired and reopened once.
 */
export async function fetchMediaAndWait(
  env: Env,
  input: { service: MediaFetchPayload["service"]; sourceId: string; canonicalUrl: string; fetchUrl: string; select: FetchSelection },
  opts: {
    face: string;
    ownerUserId?: number | null;
    priority?: number;
    timeoutMs?: number;
    /**
     * A channel (already named, see media/progress-channel.ts) that receives the task's events: the task
     * submitted or joined here, finished or not, so a client of a synchronous request can show progress.
     */
    progressChannel?: string;
  },
): Promise<FetchOutcome> {
  const timeoutMs = opts.timeoutMs ?? getConfig(env).SYNC_TASK_TIMEOUT_SECONDS * 1000;
  const deadline = Date.now() + timeoutMs;
  const payload: MediaFetchPayload = { ...input };
  let started = false;
  /** Tasks this call watched for its channel: unwatched when the call is answered (see below). */
  const watched: string[] = [];
  try {
    for (let round = 0; round < 2; round++) {
      const { task, created, reopened } = await submitTask(env, {
        kind: MEDIA_FETCH_KIND,
        payload,
        idempotencyKey: mediaFetchKey(payload),
        priority: opts.priority ?? 5,
        face: opts.face,
        ownerUserId: opts.ownerUserId ?? null,
        // Watched before the wait, and sent the current state at once: a task that is already finished (a
        // cache hit) gives the channel its final event right away.
        watch: opts.progressChannel,
      });
      started ||= created || reopened;
      watched.push(task.id);
      const { task: final, timedOut } = await waitForTask(env, task.id, Math.max(0, deadline - Date.now()), { until: failedFast });
      if (timedOut) return { ok: false, task: final, failure: { kind: "timeout" } };
      if (final.status === "dead" || failedFast(final)) {
        return { ok: false, task: final, failure: { kind: "failed", code: final.errorCode ?? "internal", message: final.errorMessage ?? "failed" } };
      }
      if (final.status === "expired") continue;
      const result = mediaFetchResultSchema.parse(final.result);
      // A cache hit is a read: the idle clock restarts before the files are handed out, or a file last read
      // just under the TTL ago would be collected by the next cron pass right after the client got its URL.
      // The refresh returns the rows that still exist, so a collector that got there first is detected here.
      const wanted = new Set(result.outputs.map((o) => o.fileId));
      const rows = await touchFilesForHandOut(env, [...wanted]);
      if (rows.length === wanted.size) {
        return { ok: true, task: final, result, files: new Map(rows.map((f) => [f.id, f])), cached: !started };
      }
      // Collected between completion and now: mark it expired (if GC has not already) and go again.
      await expireTask(env, final.id);
    }
    return { ok: false, task: undefined, failure: { kind: "failed", code: "files.missing", message: "stored files disappeared" } };
  } finally {
    // The channel belongs to this one request: once it is answered nobody listens, and a cached task that
    // lives on would otherwise keep fanning its later events (a reopen, an expiry) out to every channel that
    // ever asked. The final event is normally addressed already (publishTaskEvents reads the watchers before
    // it publishes, and the waiter wakes on that publish); the answer carries the outcome in any case.
    if (opts.progressChannel) {
      for (const taskId of watched) await unwatchTask(env, taskId, opts.progressChannel);
    }
  }
}
