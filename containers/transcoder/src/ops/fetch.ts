/**
 * The `fetch` operation (POST /v1/fetch): resolve a post, produce the selected items, optionally zip
 * them, upload everything to the Worker, reporting progress lines and one `output` line per uploaded
 * file. Validation, the stream, the work dir, the egress proxy and the terminal line are runOperation's.
 *
 * All outputs are produced before the first upload, so a post that fails half way leaves nothing
 * behind in the Worker's store.
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { FetchResult, OutputFile } from "../../../../protocol/transcoder.ts";
import { ffprobe } from "../lib/ffprobe.ts";
import type { FetchContext } from "../lib/guarded-fetch.ts";
import { contentTypeFor } from "../lib/media-types.ts";
import { checkUrl } from "../lib/net-guard.ts";
import { type ProducedFile, produceItem, selectItems } from "../lib/produce-item.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { uploadFile } from "../lib/upload.ts";
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

const run = async (ctx: OperationContext<"fetch">): Promise<Result<FetchResult>> => {
  const { request, stream, config, signal, dir } = ctx;
  const { select, output } = request;

  const verdict = await checkUrl(request.url, ctx.policy);
  if (!verdict.ok) return verdict;

  stream.progress("resolve", 0);
  const fetchCtx: FetchContext = { policy: ctx.policy, signal, socketTimeoutMs: config.socketTimeoutSeconds * 1000 };
  const ytDlp: YtDlpContext = { config, signal, proxyUrl: ctx.proxyUrl, workDir: dir };
  const post = await resolvePost(request.service, verdict.url, { selection: select, fetch: fetchCtx, ytDlp }, ctx.policy.allowedOrigins);
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
      deadline: ctx.deadline,
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

  const video = files.find((f) => f.kind === "video");
  const metadata = post.value.metadata && { ...post.value.metadata, ...(video ? { hasWatermark: video.watermarked === true } : {}) };
  return ok({
    title: post.value.title,
    ...(post.value.sourceId ? { sourceId: post.value.sourceId } : {}),
    ...(post.value.uploader ? { uploader: post.value.uploader } : {}),
    outputs: described,
    ...(metadata ? { metadata } : {}),
  });
};

export const fetchOperation = defineOperation({
  name: "fetch",
  timeoutMs: (config) => config.operationTimeoutMs,
  label: (request) => request.taskId,
  run,
});
