/**
 * The first step of the operations that work on a stored upload (hls and the studio's): fetch the signed source URL into the work dir (through the network
 * guard), probe it and keep what they all need. They read the file several times (probe, analysis or
 * rendering, two passes), so a local copy is cheaper and steadier than ranged reads over HTTP.
 */
import path from "node:path";
import type { ProbeResult } from "../../../../protocol/transcoder.ts";
import { ffprobe } from "./ffprobe.ts";
import { downloadToFile } from "./guarded-fetch.ts";
import { type Result, fail, ok } from "./result.ts";
import type { OperationContext } from "./run-operation.ts";

/** The Worker has already capped the upload; this only bounds what a wrong URL could make us store. */
const SOURCE_MAX_BYTES = 8 * 1024 ** 3;

export type SourceVideo = {
  file: string;
  probe: ProbeResult;
  durationSeconds: number;
  width: number;
  height: number;
  frameRate: number;
  hasAudio: boolean;
};

type StudioOperation = "analyze" | "edit" | "compress";
/** Operations whose input is one signed URL of a stored upload (`request.source`). */
type SourceOperation = StudioOperation | "hls";

/** Downloads `request.source` into `file` (guarded, size-capped, reporting `download` progress) and probes it. */
export const downloadAndProbe = async (ctx: OperationContext<SourceOperation>, file: string): Promise<Result<ProbeResult>> => {
  const { request, config, stream } = ctx;
  stream.progress("download", 0);
  const downloaded = await downloadToFile(request.source, file, {
    policy: ctx.policy,
    signal: ctx.signal,
    socketTimeoutMs: config.socketTimeoutSeconds * 1000,
    maxBytes: SOURCE_MAX_BYTES,
    onBytes: (received, total) => total && stream.progress("download", (received / total) * 100),
  });
  if (!downloaded.ok) return downloaded;
  stream.progress("download", 100);
  return ffprobe({ kind: "file", path: file }, { ffprobePath: config.ffprobePath, signal: ctx.signal, timeoutMs: config.probeTimeoutMs });
};

export const fetchSourceVideo = async (ctx: OperationContext<StudioOperation>): Promise<Result<SourceVideo>> => {
  const file = path.join(ctx.dir, "source");
  const probed = await downloadAndProbe(ctx, file);
  if (!probed.ok) return probed;
  const video = probed.value.streams.find((s) => s.type === "video");
  if (!video?.width || !video.height) return fail("input.invalid", "the source has no video stream", false);
  const durationSeconds = probed.value.durationSeconds ?? video.durationSeconds;
  if (!durationSeconds || durationSeconds <= 0) return fail("input.invalid", "the source's duration cannot be read", false);
  return ok({
    file,
    probe: probed.value,
    durationSeconds,
    width: video.width,
    height: video.height,
    // An image sequence or odd stream may not say; 30 is what the outputs then run at.
    frameRate: video.frameRate && video.frameRate > 0 ? video.frameRate : 30,
    hasAudio: probed.value.streams.some((s) => s.type === "audio"),
  });
};
