import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { parse, setOptions, types } from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HlsResult, type ProgressEvent, hlsResultSchema, progressEventSchema } from "../../protocol/transcoder.ts";
import { liveChildGroups } from "../../containers/transcoder/src/lib/spawn.ts";
import { type HlsClipName, hlsClip, hlsClipDir } from "../fixtures/hls-clips.ts";
import { type ClipServer, startClipServer } from "./helpers/clip-server.ts";
import { type Stack, postOperation, startStack, workDirEntries } from "./helpers/stack.ts";

const execFileAsync = promisify(execFile);
setOptions({ strictMode: true, silent: true });

let stack: Stack;
let clips: ClipServer;
beforeAll(async () => {
  clips = await startClipServer(hlsClipDir());
  stack = await startStack({ allowedOrigins: [clips.origin] });
});
afterAll(async () => {
  await stack?.close();
  await clips?.close();
});

let sequence = 0;

type HlsRun = {
  events: ProgressEvent[];
  result: HlsResult | undefined;
  prefix: string;
  /** Names of segments whose `output` line arrived while the receiver already held them. */
  segmentsHeldAtOutputLine: string[];
};

/** Reads the NDJSON stream line by line, checking at each segment's `output` line that it was already uploaded. */
const readLive = async (res: Response, prefix: string, onEvent?: (e: ProgressEvent) => void): Promise<Omit<HlsRun, "prefix" | "result">> => {
  expect(res.status).toBe(200);
  const events: ProgressEvent[] = [];
  const held: string[] = [];
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of res.body!) {
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines.filter((l) => l.trim() !== "")) {
      const event = progressEventSchema.parse(JSON.parse(line));
      events.push(event);
      if (event.type === "output" && event.output.name.endsWith(".ts") && stack.receiver.uploads(prefix).some((u) => u.name === event.output.name)) {
        held.push(event.output.name);
      }
      onEvent?.(event);
    }
  }
  return { events, segmentsHeldAtOutputLine: held };
};

const hlsBody = (source: string, prefix: string, extra: Record<string, unknown> = {}) => ({
  taskId: `hls-${++sequence}`,
  source,
  output: { uploadUrl: `${stack.receiver.origin}${prefix}`, maxBytes: 100 * 1024 * 1024 },
  ...extra,
});

const runHls = async (clip: HlsClipName, extra: Record<string, unknown> = {}): Promise<HlsRun> => {
  await hlsClip(clip);
  const prefix = `/hls/${++sequence}`;
  const live = await readLive(await postOperation(stack, "hls", hlsBody(clips.url(clip), prefix, extra)), prefix);
  const last = live.events.at(-1);
  return { ...live, prefix, result: last?.type === "done" ? hlsResultSchema.parse(last.result) : undefined };
};

const received = (run: HlsRun, name: string): string => {
  const upload = stack.receiver.uploads(run.prefix).find((u) => u.name === name);
  if (!upload) throw new Error(`${name} was never uploaded`);
  return upload.file;
};

const probeJson = async (args: string[]): Promise<Record<string, unknown>> => JSON.parse((await execFileAsync("ffprobe", ["-v", "error", "-of", "json", ...args])).stdout) as Record<string, unknown>;

type ProbedSegment = { width: number; height: number; firstFrameKey: boolean; frameRate: string; audio: boolean };

const probeSegmentFile = async (file: string): Promise<ProbedSegment> => {
  const streams = (await probeJson(["-show_entries", "stream=codec_type,width,height,r_frame_rate", file])).streams as Array<Record<string, unknown>>;
  const video = streams.find((s) => s.codec_type === "video")!;
  const frames = (await probeJson(["-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries", "frame=key_frame,pict_type", file])).frames as Array<{ key_frame: number }>;
  return {
    width: Number(video.width),
    height: Number(video.height),
    firstFrameKey: frames[0]?.key_frame === 1,
    frameRate: String(video.r_frame_rate),
    audio: streams.some((s) => s.codec_type === "audio"),
  };
};

const sourceDuration = async (clip: HlsClipName): Promise<number> =>
  Number(((await probeJson(["-show_entries", "format=duration", await hlsClip(clip)])).format as { duration: string }).duration);

type Expected = {
  rungs: Array<[name: string, width: number, height: number]>;
  audio: boolean;
  segmentSeconds: number;
  /** Long enough that ffmpeg is still encoding when the first segment is done (short clips finish first). */
  uploadsDuringEncode?: boolean;
};

/** Everything a player and the Worker rely on, checked on what the receiver got. */
const checkLadder = async (clip: HlsClipName, run: HlsRun, expected: Expected): Promise<HlsResult> => {
  expect(run.events.filter((e) => e.type === "error")).toEqual([]);
  const result = run.result!;
  expect(result).toBeDefined();
  expect(result.renditions.map((r) => [r.name, r.width, r.height])).toEqual(expected.rungs);
  expect(result.hasAudio).toBe(expected.audio);

  const names = new Set(stack.receiver.uploads(run.prefix).map((u) => u.name));
  const master = parse(await readFile(received(run, result.master), "utf8"));
  if (!(master instanceof types.MasterPlaylist)) throw new Error("master.m3u8 is not a master playlist");
  expect(master.variants.map((v) => v.uri).sort()).toEqual(result.renditions.map((r) => r.playlist).sort());
  for (const uri of master.variants.map((v) => v.uri)) expect(names).toContain(uri);
  expect(names).toContain(result.poster);

  const duration = await sourceDuration(clip);
  const segmentTimelines: number[][] = [];
  for (const rendition of result.renditions) {
    const variant = master.variants.find((v) => v.uri === rendition.playlist)!;
    expect(variant.resolution).toEqual({ width: rendition.width, height: rendition.height });
    expect(variant.codecs).toBe(rendition.codecs);
    expect(variant.codecs?.includes("mp4a.40.2")).toBe(expected.audio);
    expect(variant.frameRate).toBeCloseTo(rendition.frameRate, 2);

    const media = parse(await readFile(received(run, rendition.playlist), "utf8"));
    if (!(media instanceof types.MediaPlaylist)) throw new Error(`${rendition.playlist} is not a media playlist`);
    expect(media.endlist).toBe(true);
    expect(media.segments.map((s) => s.uri)).toEqual(rendition.segments.map((s) => s.name));
    for (const segment of media.segments) expect(names).toContain(segment.uri);
    const total = media.segments.reduce((sum, s) => sum + s.duration, 0);
    expect(Math.abs(total - duration)).toBeLessThanOrEqual(expected.segmentSeconds);
    segmentTimelines.push(media.segments.map((s) => Math.round(s.duration * 10) / 10));

    // BANDWIDTH and AVERAGE-BANDWIDTH recomputed from the bytes that arrived and the listed durations.
    const sized = media.segments.map((s) => ({ bytes: stack.receiver.uploads(run.prefix).find((u) => u.name === s.uri)!.bytes, seconds: s.duration }));
    const peak = Math.max(...sized.map((s) => (s.bytes * 8) / s.seconds));
    const average = (sized.reduce((sum, s) => sum + s.bytes, 0) * 8) / sized.reduce((sum, s) => sum + s.seconds, 0);
    expect(variant.bandwidth).toBe(Math.ceil(peak));
    expect(variant.averageBandwidth).toBe(Math.ceil(average));
    expect(variant.bandwidth).toBeGreaterThanOrEqual(variant.averageBandwidth!);
    expect(variant.averageBandwidth).toBeGreaterThan(0);

    for (const segment of media.segments) {
      const probed = await probeSegmentFile(received(run, segment.uri));
      expect({ uri: segment.uri, width: probed.width, height: probed.height, key: probed.firstFrameKey, audio: probed.audio }).toEqual({
        uri: segment.uri,
        width: rendition.width,
        height: rendition.height,
        key: true,
        audio: expected.audio,
      });
    }
  }
  // Keyframes aligned across rungs: every rung cuts its segments at the same times.
  for (const timeline of segmentTimelines) expect(timeline).toEqual(segmentTimelines[0]);

  // Uploaded as written: each segment's `output` line (all before `done`) came after its upload.
  const segmentNames = result.renditions.flatMap((r) => r.segments.map((s) => s.name));
  expect([...run.segmentsHeldAtOutputLine].sort()).toEqual([...segmentNames].sort());
  if (expected.uploadsDuringEncode) {
    const firstSegmentLine = run.events.findIndex((e) => e.type === "output" && e.output.name.endsWith(".ts"));
    const encodeEnd = run.events.findIndex((e) => e.type === "progress" && e.stage === "convert" && e.percent === 100);
    expect(firstSegmentLine).toBeGreaterThan(-1);
    expect(firstSegmentLine).toBeLessThan(encodeEnd);
  }
  return result;
};

describe("POST /v1/hls", () => {
  it("should make a 240p / 480p / 720p ladder of a 1280x720 30 fps clip with sound", async () => {
    const run = await runHls("landscape-720p.mp4", { segmentSeconds: 2 });
    const result = await checkLadder("landscape-720p.mp4", run, {
      rungs: [["720p", 1280, 720], ["480p", 854, 480], ["240p", 428, 240]],
      audio: true,
      segmentSeconds: 2,
      uploadsDuringEncode: true,
    });
    expect(result.renditions.every((r) => r.frameRate === 30)).toBe(true);
    expect(result.renditions[0]!.segments.map((s) => s.durationSeconds)).toEqual([2, 2, 2]);
    const poster = await probeJson(["-show_entries", "stream=codec_name,width,height", received(run, result.poster)]);
    expect(poster.streams).toEqual([{ codec_name: "mjpeg", width: 1280, height: 720 }]);
  });

  it("should cap the ladder at `rungs`", async () => {
    const run = await runHls("landscape-720p.mp4", { segmentSeconds: 6, rungs: 480 });
    expect(run.result?.renditions.map((r) => r.name)).toEqual(["480p", "240p"]);
  });

  it("should keep a portrait clip portrait, its short side naming the rung", async () => {
    const run = await runHls("portrait-720x1280.mp4");
    await checkLadder("portrait-720x1280.mp4", run, { rungs: [["720p", 720, 1280], ["480p", 480, 854], ["240p", 240, 428]], audio: true, segmentSeconds: 4 });
  });

  it("should make even dimensions of an odd-sized source", async () => {
    const run = await runHls("odd-638x358.mp4", { segmentSeconds: 2 });
    await checkLadder("odd-638x358.mp4", run, { rungs: [["240p", 428, 240]], audio: true, segmentSeconds: 2 });
  });

  it("should make video-only rungs of a source without sound", async () => {
    const run = await runHls("silent-640x360.mp4", { segmentSeconds: 2 });
    const result = await checkLadder("silent-640x360.mp4", run, { rungs: [["240p", 426, 240]], audio: false, segmentSeconds: 2 });
    expect(result.renditions[0]!.codecs).toMatch(/^avc1\.[0-9a-f]{6}$/);
  });

  it("should make constant-rate rungs of a variable frame rate source", async () => {
    const run = await runHls("vfr-640x360.mkv", { segmentSeconds: 2 });
    const result = await checkLadder("vfr-640x360.mkv", run, { rungs: [["240p", 426, 240]], audio: true, segmentSeconds: 2 });
    const segment = received(run, result.renditions[0]!.segments[0]!.name);
    const frames = (await probeJson(["-select_streams", "v:0", "-show_entries", "frame=pts_time", segment])).frames as Array<{ pts_time: string }>;
    const gaps = frames.slice(1).map((f, i) => Math.round((Number(f.pts_time) - Number(frames[i]!.pts_time)) * 1000));
    expect(new Set(gaps)).toEqual(new Set([33]));
  });

  it("should make one rung at the source's own size when it is below 240p", async () => {
    const run = await runHls("small-256x144.mp4", { segmentSeconds: 2 });
    await checkLadder("small-256x144.mp4", run, { rungs: [["144p", 256, 144]], audio: true, segmentSeconds: 2 });
  });

  it("should end with input.invalid, not retryable and no done line, for a corrupt upload", async () => {
    const run = await runHls("corrupt.mp4");
    expect(run.events.filter((e) => e.type === "done")).toEqual([]);
    expect(run.events.at(-1)).toMatchObject({ type: "error", error: { code: "input.invalid", retryable: false } });
    expect(stack.receiver.uploads(run.prefix)).toEqual([]);
  });
});

/** ffmpeg processes working in the stack's work dir, as ps shows them. */
const ladderProcesses = async (): Promise<number[]> => {
  const found: number[] = [];
  for (const pid of (await import("node:fs/promises").then((fs) => fs.readdir("/proc"))).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(stack.workDir) && cmdline.split("\0")[0]!.endsWith("ffmpeg")) found.push(Number(pid));
  }
  return found;
};

const waitFor = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
};

describe("an interrupted ladder", () => {
  it("should end with a retryable error and no done line when ffmpeg is killed mid-ladder", async () => {
    await hlsClip("landscape-720p.mp4");
    const prefix = `/hls/${++sequence}`;
    let killed = false;
    const live = await readLive(await postOperation(stack, "hls", hlsBody(clips.url("landscape-720p.mp4"), prefix, { segmentSeconds: 2 })), prefix, (event) => {
      if (killed || event.type !== "output") return;
      killed = true;
      void ladderProcesses().then((pids) => pids.forEach((pid) => process.kill(pid, "SIGKILL")));
    });
    expect(killed).toBe(true);
    expect(live.events.filter((e) => e.type === "done")).toEqual([]);
    expect(live.events.at(-1)).toMatchObject({ type: "error", error: { code: "internal", retryable: true } });
    expect(await workDirEntries(stack)).toEqual([]);
  });

  it("should leave no process and no work dir when the client goes away mid-ladder", async () => {
    await hlsClip("landscape-720p.mp4");
    const prefix = `/hls/${++sequence}`;
    const controller = new AbortController();
    const res = await postOperation(stack, "hls", hlsBody(clips.url("landscape-720p.mp4"), prefix, { segmentSeconds: 2 }), { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    while (!seen.includes('"type":"output"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${seen}`);
      seen += decoder.decode(value);
    }
    expect(await ladderProcesses()).not.toEqual([]);
    controller.abort();
    const cleaned = await waitFor(async () => (await ladderProcesses()).length === 0 && (await workDirEntries(stack)).length === 0, 5000);
    expect(await ladderProcesses()).toEqual([]);
    expect(await workDirEntries(stack)).toEqual([]);
    expect(liveChildGroups()).toEqual([]);
    expect(cleaned).toBe(true);
  });
});
