/**
 * Turns one post item into one finished output file in the work dir: a playable mp4, an mp3, or an
 * image. Named `<index>.<ext>`, so outputs are deterministic whatever the source called them.
 */
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FetchSelection, OutputKind } from "../../../../protocol/transcoder.ts";
import type { Config } from "../config.ts";
import type { PostItem } from "../resolvers/types.ts";
import { mp4Args, mp4Need, runFfmpeg } from "./ffmpeg.ts";
import { ffprobe } from "./ffprobe.ts";
import { announcedBytes, isWatermarked, planAudio, planVideo } from "./formats.ts";
import { type FetchContext, downloadToFile } from "./guarded-fetch.ts";
import { readHead, sniffImageExt } from "./media-types.ts";
import { type Result, fail, ok } from "./result.ts";
import { type YtDlpContext, downloadEntry } from "./ytdlp.ts";

export type ProducedFile = {
  index: number;
  kind: OutputKind;
  ext: string;
  path: string;
  /** Videos: whether the downloaded format is one the source marks as watermarked. */
  watermarked?: boolean;
};

export type ProduceContext = {
  config: Config;
  selection: FetchSelection;
  maxBytes: number;
  dir: string;
  ytDlp: YtDlpContext;
  fetch: FetchContext;
  /** Absolute time (ms) the operation must finish by. */
  deadline: number;
  onDownload: (fraction: number) => void;
  onConvert: (fraction: number) => void;
};

const remaining = (ctx: ProduceContext): number => Math.max(1000, ctx.deadline - Date.now());

type VideoItem = Extract<PostItem, { kind: "video" }>;
type DownloadMode = Parameters<typeof downloadEntry>[1]["mode"];

/** Download one item's chosen formats with yt-dlp from its saved info JSON (no second page fetch). */
const downloadFormats = async (item: VideoItem, spec: string, mode: DownloadMode, ctx: ProduceContext): Promise<Result<string>> => {
  const infoJsonPath = path.join(ctx.dir, `info-${item.index}.json`);
  await writeFile(infoJsonPath, JSON.stringify(item.entry.raw));
  const downloaded = await downloadEntry(ctx.ytDlp, {
    infoJsonPath,
    spec,
    outputStem: path.join(ctx.dir, "download", String(item.index)),
    maxBytes: ctx.maxBytes,
    mode,
    onProgress: (p) => ctx.onDownload(p.fraction),
    timeoutMs: remaining(ctx),
  });
  if (downloaded.ok) ctx.onDownload(1);
  return downloaded;
};

const produceVideo = async (item: VideoItem, ctx: ProduceContext): Promise<Result<ProducedFile>> => {
  const plan = planVideo(item.entry.info, { maxHeight: ctx.selection.maxHeight, noWatermark: ctx.selection.noWatermark });
  if (!plan) return fail("source.no_media", `item ${item.index} has no downloadable video format`, false);
  const announced = announcedBytes([plan.video, plan.audio]);
  if (announced !== undefined && announced > ctx.maxBytes) {
    return fail("source.too_large", `video is about ${announced} bytes, over the ${ctx.maxBytes} byte limit`, false);
  }
  const downloaded = await downloadFormats(item, plan.spec, { kind: "video", merge: plan.audio !== undefined }, ctx);
  if (!downloaded.ok) return downloaded;

  const probed = await ffprobe({ kind: "file", path: downloaded.value }, { ffprobePath: ctx.config.ffprobePath, signal: ctx.ytDlp.signal, timeoutMs: 30_000 });
  if (!probed.ok) return probed;
  if (!probed.value.streams.some((s) => s.type === "video")) return fail("source.no_media", `item ${item.index} has no video stream`, false);
  const target = path.join(ctx.dir, "out", `${item.index}.mp4`);
  const need = mp4Need(probed.value, ctx.selection.maxHeight ?? plan.scaleToHeight);
  if (need) {
    const converted = await runFfmpeg(mp4Args(downloaded.value, target, need), {
      ffmpegPath: ctx.config.ffmpegPath,
      signal: ctx.ytDlp.signal,
      timeoutMs: remaining(ctx),
      durationSeconds: probed.value.durationSeconds,
      onProgress: ctx.onConvert,
    });
    if (!converted.ok) return converted;
  } else {
    await rename(downloaded.value, target);
  }
  ctx.onConvert(1);
  return ok({ index: item.index, kind: "video", ext: "mp4", path: target, watermarked: isWatermarked(plan.video) });
};

const produceAudio = async (item: VideoItem, ctx: ProduceContext): Promise<Result<ProducedFile>> => {
  const plan = planAudio(item.entry.info);
  if (!plan) return fail("source.no_media", `item ${item.index} has no audio`, false);
  const downloaded = await downloadFormats(item, plan.spec, { kind: "audio-mp3" }, ctx);
  if (!downloaded.ok) return downloaded;
  ctx.onConvert(1);
  const target = path.join(ctx.dir, "out", `${item.index}.mp3`);
  await rename(downloaded.value, target);
  return ok({ index: item.index, kind: "audio", ext: "mp3", path: target });
};

const produceImage = async (item: Extract<PostItem, { kind: "image" }>, ctx: ProduceContext): Promise<Result<ProducedFile>> => {
  const temp = path.join(ctx.dir, "download", `${item.index}.image`);
  const downloaded = await downloadToFile(item.url, temp, {
    ...ctx.fetch,
    maxBytes: ctx.maxBytes,
    onBytes: (received, total) => ctx.onDownload(total ? received / total : 0),
  });
  if (!downloaded.ok) return downloaded;
  const ext = sniffImageExt(await readHead(temp));
  if (!ext) return fail("source.unavailable", `item ${item.index} is not an image`, false);
  const target = path.join(ctx.dir, "out", `${item.index}.${ext}`);
  await rename(temp, target);
  ctx.onDownload(1);
  return ok({ index: item.index, kind: "image", ext, path: target });
};

/** Produces the output for one selected item, per the selection's kind. */
export const produceItem = (item: PostItem, ctx: ProduceContext): Promise<Result<ProducedFile>> => {
  if (item.kind === "image") return produceImage(item, ctx);
  return ctx.selection.kind === "audio" ? produceAudio(item, ctx) : produceVideo(item, ctx);
};

/** The items a selection keeps, in post order, at most `maxItems`. */
export const selectItems = (items: PostItem[], selection: FetchSelection): PostItem[] => {
  const wanted = items.filter((item) => {
    if (selection.kind === "any") return true;
    if (selection.kind === "image") return item.kind === "image";
    return item.kind === "video";
  });
  return wanted.sort((a, b) => a.index - b.index).slice(0, selection.maxItems);
};
