/**
 * POST /v1/fetch: resolve a post, produce the selected items, optionally zip them, upload everything
 * to the Worker, and report as NDJSON: progress lines, one `output` line per uploaded file, then
 * exactly one `done` or `error` line.
 *
 * All outputs are produced before the first upload, so a post that fails half way leaves nothing
 * behind in the Worker's store.
 */
import { mkdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import {
  type FetchRequest,
  type FetchResult,
  type OutputFile,
  type TranscoderError,
  fetchRequestSchema,
} from "../../../../protocol/transcoder.ts";
import type { AppContext } from "../app-context.ts";
import { type EgressProxy, startEgressProxy } from "../lib/egress-proxy.ts";
import { ffprobe } from "../lib/ffprobe.ts";
import type { FetchContext } from "../lib/guarded-fetch.ts";
import { readJsonBody, sendJson, validationError } from "../lib/http-json.ts";
import { contentTypeFor } from "../lib/media-types.ts";
import { type NdjsonStream, openNdjson } from "../lib/ndjson.ts";
import { checkUrl, type GuardPolicy } from "../lib/net-guard.ts";
import { type OperationSignal, startOperationSignal } from "../lib/operation-signal.ts";
import { type ProducedFile, produceItem, selectItems } from "../lib/produce-item.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { uploadFile } from "../lib/upload.ts";
import { type WorkDir, createWorkDir } from "../lib/work-dir.ts";
import type { YtDlpContext } from "../lib/ytdlp.ts";
import { writeStoredZip } from "../lib/zip.ts";
import { resolvePost } from "../resolvers/index.ts";

type FinishedFile = ProducedFile & { name: string; size: number };

const BUNDLE_NAME = "bundle.zip";

/** Output metadata for a finished file; probe failures only cost the optional fields. */
const describe = async (file: FinishedFile, ffprobePath: string, signal: AbortSignal): Promise<OutputFile> => {
  const base: OutputFile = {
    name: file.name,
    kind: file.kind,
    contentType: contentTypeFor(file.ext),
    size: file.size,
    index: file.index,
  };
  if (file.kind === "archive") return base;
  const probed = await ffprobe({ kind: "file", path: file.path }, { ffprobePath, signal, timeoutMs: 30_000 });
  if (!probed.ok) return base;
  const video = probed.value.streams.find((s) => s.type === "video");
  const out: OutputFile = { ...base };
  if (file.kind !== "image" && probed.value.durationSeconds !== undefined) out.durationSeconds = probed.value.durationSeconds;
  if (file.kind !== "audio" && video?.width && video.height) {
    out.width = video.width;
    out.height = video.height;
  }
  return out;
};

type FetchRun = {
  request: FetchRequest;
  stream: NdjsonStream;
  app: AppContext;
  policy: GuardPolicy;
  signal: AbortSignal;
  dir: string;
  proxyUrl: string;
  deadline: number;
};

const runFetch = async (run: FetchRun): Promise<Result<FetchResult>> => {
  const { request, stream, app, signal, dir } = run;
  const { config } = app;
  const { select, output } = request;

  const verdict = await checkUrl(request.url, run.policy);
  if (!verdict.ok) return verdict;

  stream.progress("resolve", 0);
  const fetchCtx: FetchContext = { policy: run.policy, signal, socketTimeoutMs: config.socketTimeoutSeconds * 1000 };
  const ytDlp: YtDlpContext = { config, signal, proxyUrl: run.proxyUrl, workDir: dir };
  const post = await resolvePost(request.service, verdict.url, { selection: select, fetch: fetchCtx, ytDlp }, run.policy.allowedOrigins);
  if (!post.ok) return post;
  stream.progress("resolve", 100);

  const items = selectItems(post.value.items, select);
  if (items.length === 0) return fail("source.no_media", `the post has no ${select.kind === "any" ? "media" : select.kind}`, false);

  await mkdir(path.join(dir, "download"), { recursive: true });
  await mkdir(path.join(dir, "out"), { recursive: true });
  stream.progress("download", 0);
  stream.progress("convert", 0);
  const files: FinishedFile[] = [];
  for (const [position, item] of items.entries()) {
    const produced = await produceItem(item, {
      config,
      selection: select,
      maxBytes: output.maxBytes,
      dir,
      ytDlp,
      fetch: fetchCtx,
      deadline: run.deadline,
      onDownload: (f) => stream.progress("download", ((position + f) / items.length) * 100),
      onConvert: (f) => stream.progress("convert", ((position + f) / items.length) * 100),
    });
    if (!produced.ok) return produced;
    const size = (await stat(produced.value.path)).size;
    if (size > output.maxBytes) {
      return fail("source.too_large", `output ${item.index} is ${size} bytes, over the ${output.maxBytes} byte limit`, false);
    }
    files.push({ ...produced.value, name: `${produced.value.index}.${produced.value.ext}`, size });
  }
  stream.progress("download", 100);

  if (select.bundle === "zip" && files.length >= 2) {
    const zipPath = path.join(dir, "out", BUNDLE_NAME);
    const size = await writeStoredZip(
      files.map((f) => ({ name: f.name, path: f.path })),
      zipPath,
      { signal, onProgress: (f) => stream.progress("convert", f * 100) },
    );
    if (size > output.maxBytes) return fail("source.too_large", `${BUNDLE_NAME} is ${size} bytes, over the ${output.maxBytes} byte limit`, false);
    files.push({ index: -1, kind: "archive", ext: "zip", path: zipPath, name: BUNDLE_NAME, size });
  }
  stream.progress("convert", 100);

  const described = await Promise.all(files.map((f) => describe(f, config.ffprobePath, signal)));
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0) || 1;
  let uploadedBytes = 0;
  stream.progress("upload", 0);
  for (const [i, file] of files.entries()) {
    const uploaded = await uploadFile({
      uploadUrl: output.uploadUrl,
      name: file.name,
      file: file.path,
      size: file.size,
      contentType: described[i]!.contentType,
      signal,
      timeoutMs: config.socketTimeoutSeconds * 1000,
      onProgress: (f) => stream.progress("upload", ((uploadedBytes + f * file.size) / totalBytes) * 100),
    });
    if (!uploaded.ok) return uploaded;
    uploadedBytes += file.size;
    stream.output(described[i]!);
  }
  stream.progress("upload", 100);

  return ok({
    title: post.value.title,
    ...(post.value.sourceId ? { sourceId: post.value.sourceId } : {}),
    ...(post.value.uploader ? { uploader: post.value.uploader } : {}),
    outputs: described,
  });
};

/** The error to report: a guard refusal anywhere explains the failure better than its symptom. */
const finalError = (error: TranscoderError, refusal: TranscoderError | undefined, op: OperationSignal): TranscoderError => {
  if (op.reason() === "timeout") return { code: "timeout", message: "the operation ran out of time", retryable: true };
  if (op.reason() === "shutdown") return { code: "internal", message: "the transcoder is shutting down", retryable: true };
  return refusal ?? error;
};

export const handleFetch = async (app: AppContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const body = await readJsonBody(req);
  if (!body.ok) return sendJson(res, 400, { error: body.error });
  const parsed = fetchRequestSchema.safeParse(body.value);
  if (!parsed.success) return sendJson(res, 400, { error: validationError(parsed.error) });
  const request = parsed.data;

  const op = startOperationSignal(res, app.shutdown, app.config.operationTimeoutMs);
  const stream = openNdjson(res);
  const policy: GuardPolicy = { allowedOrigins: app.config.allowedOrigins, ...(app.lookup ? { lookup: app.lookup } : {}) };
  let work: WorkDir | undefined;
  let proxy: EgressProxy | undefined;
  let outcome: Result<FetchResult>;
  try {
    work = await createWorkDir(app.config.workDir, request.taskId);
    proxy = await startEgressProxy(policy);
    outcome = await runFetch({
      request,
      stream,
      app,
      policy,
      signal: op.signal,
      dir: work.path,
      proxyUrl: proxy.url,
      deadline: Date.now() + app.config.operationTimeoutMs,
    });
  } catch (err) {
    app.log(`fetch ${request.taskId} failed: ${(err as Error).stack ?? String(err)}`);
    outcome = fail("internal", `internal error: ${(err as Error).message}`);
  }
  // Clean up before the terminal line: when the Worker reads `done`, nothing of the operation is left.
  const refusal = proxy?.refusal();
  op.dispose();
  await proxy?.close();
  await work?.remove().catch((err: unknown) => app.log(`cannot remove ${work?.path}: ${String(err)}`));
  if (outcome.ok) stream.done(outcome.value);
  else stream.error(finalError(outcome.error, refusal, op));
  if (!res.writableEnded) res.end();
};
