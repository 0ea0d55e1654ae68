/**
 * The `hls` operation (POST /v1/hls): download the uploaded original, probe it, run the whole ladder
 * in one ffmpeg process (lib/hls-ladder.ts), upload each segment as soon as ffmpeg has finished it
 * (one `output` line each, so the Worker can serve a growing EVENT playlist meanwhile), then upload
 * the final media playlists, the master playlist and the poster, and end with the ladder as produced.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { HlsRendition, HlsResult, OutputFile } from "../../../../protocol/transcoder.ts";
import { downloadAndProbe } from "../lib/source-file.ts";
import { runFfmpeg } from "../lib/ffmpeg.ts";
import { POSTER_NAME, type LadderPlan, ffmpegPlaylistName, ladderArgs, planLadder } from "../lib/hls-ladder.ts";
import { type SizedSegment, bandwidthOf, codecsString, masterPlaylist, mediaPlaylist } from "../lib/hls-playlists.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { type SegmentInfo, probeSegment } from "../lib/segment-probe.ts";
import { watchSegments } from "../lib/segment-watch.ts";
import { uploadFile } from "../lib/upload.ts";

const MASTER_NAME = "master.m3u8";
const POLL_MS = 200;

type RungState = { info: SegmentInfo | undefined; segments: SizedSegment[] };

const run = async (ctx: OperationContext<"hls">): Promise<Result<HlsResult>> => {
  const { request, config, stream, dir } = ctx;
  const outDir = path.join(dir, "out");
  await mkdir(outDir, { recursive: true });
  const source = path.join(dir, "source");

  const probed = await downloadAndProbe(ctx, source);
  if (!probed.ok) return probed;
  const plan = planLadder(probed.value, { segmentSeconds: request.segmentSeconds, cap: request.rungs });
  if (!plan) return fail("input.invalid", "the upload has no video stream", false);

  // Uploads and ffmpeg share one signal: a refused upload stops the encode, a disconnect stops both.
  const local = new AbortController();
  const signal = AbortSignal.any([ctx.signal, local.signal]);
  const upload = async (name: string, file: string, contentType: string): Promise<Result<number>> => {
    const size = (await stat(file)).size;
    if (size > request.output.maxBytes) return fail("source.too_large", `${name} is ${size} bytes, over the ${request.output.maxBytes} byte limit`, false);
    const sent = await uploadFile({ uploadUrl: request.output.uploadUrl, name, file, size, contentType, signal, timeoutMs: config.socketTimeoutSeconds * 1000 });
    return sent.ok ? ok(size) : sent;
  };

  const state = new Map<string, RungState>(plan.rungs.map((r) => [r.name, { info: undefined, segments: [] }]));
  const watch = watchSegments({
    dir: outDir,
    rungs: plan.rungs.map((r) => ({ name: r.name, playlist: ffmpegPlaylistName(r) })),
    intervalMs: POLL_MS,
    onFailure: () => local.abort(),
    handle: async (rungName, segment, sequence) => {
      const rung = state.get(rungName)!;
      const file = path.join(outDir, segment.name);
      if (!rung.info) {
        const info = await probeSegment(file, { ffprobePath: config.ffprobePath, signal });
        if (!info.ok) return info;
        rung.info = info.value;
      }
      const sent = await upload(segment.name, file, "video/mp2t");
      if (!sent.ok) return sent;
      rung.segments.push({ ...segment, size: sent.value });
      stream.output({
        name: segment.name,
        kind: "video",
        contentType: "video/mp2t",
        size: sent.value,
        index: sequence,
        durationSeconds: segment.durationSeconds,
        width: rung.info.width,
        height: rung.info.height,
        rendition: rungName,
      });
      return ok(undefined);
    },
  });

  stream.progress("convert", 0);
  const encoded = await runFfmpeg(ladderArgs(plan, { input: source, outDir }), {
    ffmpegPath: config.ffmpegPath,
    signal,
    timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
    durationSeconds: plan.durationSeconds,
    onProgress: (f) => stream.progress("convert", f * 100),
  });
  if (!encoded.ok) {
    // An upload failure is why ffmpeg was stopped: report that, not the abort.
    const watched = await watch.stop();
    return watched.ok ? encoded : watched;
  }
  const watched = await watch.finish();
  if (!watched.ok) return watched;
  stream.progress("convert", 100);

  return finishLadder(ctx, plan, state, upload);
};

/** Playlists and poster, once every segment is uploaded: the master refers only to what exists. */
const finishLadder = async (
  ctx: OperationContext<"hls">,
  plan: LadderPlan,
  state: ReadonlyMap<string, RungState>,
  upload: (name: string, file: string, contentType: string) => Promise<Result<number>>,
): Promise<Result<HlsResult>> => {
  const outDir = path.join(ctx.dir, "out");
  const renditions: HlsRendition[] = [];
  for (const rung of plan.rungs) {
    const { info, segments } = state.get(rung.name)!;
    if (!info || segments.length === 0) return fail("input.invalid", `ffmpeg produced no ${rung.name} segment: the upload has no decodable video`, false);
    const codecs = codecsString(info.video, plan.hasAudio ? info.audio : undefined);
    if (!codecs) return fail("internal", `unexpected codecs in the ${rung.name} segments`);
    const playlist = `${rung.name}.m3u8`;
    await writeFile(path.join(outDir, playlist), mediaPlaylist(segments));
    const sent = await upload(playlist, path.join(outDir, playlist), "application/vnd.apple.mpegurl");
    if (!sent.ok) return sent;
    ctx.stream.output(playlistOutput(playlist, sent.value, info, rung.name));
    renditions.push({
      name: rung.name,
      width: info.width,
      height: info.height,
      ...bandwidthOf(segments),
      codecs,
      frameRate: info.frameRate,
      playlist,
      segments: segments.map(({ name, durationSeconds, size }) => ({ name, durationSeconds, size })),
    });
  }

  const posterFile = path.join(outDir, POSTER_NAME);
  const poster = await upload(POSTER_NAME, posterFile, "image/jpeg");
  if (!poster.ok) return poster;
  const top = renditions[0]!;
  ctx.stream.output({ name: POSTER_NAME, kind: "image", contentType: "image/jpeg", size: poster.value, index: -1, width: top.width, height: top.height });

  await writeFile(path.join(outDir, MASTER_NAME), masterPlaylist(renditions));
  const master = await upload(MASTER_NAME, path.join(outDir, MASTER_NAME), "application/vnd.apple.mpegurl");
  if (!master.ok) return master;
  ctx.stream.output({ name: MASTER_NAME, kind: "playlist", contentType: "application/vnd.apple.mpegurl", size: master.value, index: -1 });

  const durationSeconds = top.segments.reduce((sum, s) => sum + s.durationSeconds, 0);
  return ok({ master: MASTER_NAME, poster: POSTER_NAME, segmentType: "mpegts", durationSeconds, hasAudio: plan.hasAudio, renditions });
};

const playlistOutput = (name: string, size: number, info: SegmentInfo, rendition: string): OutputFile => ({
  name,
  kind: "playlist",
  contentType: "application/vnd.apple.mpegurl",
  size,
  index: -1,
  width: info.width,
  height: info.height,
  rendition,
});

export const hlsOperation = defineOperation({
  name: "hls",
  timeoutMs: (config) => config.operationTimeoutMs,
  label: (request) => request.taskId,
  run,
});
