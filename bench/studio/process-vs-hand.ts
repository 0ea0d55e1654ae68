/**
 * `POST /api/v1/process` ({url, num_frames}) on the running platform — download, analysis, script, edit as
 * one task — vs the same steps by hand on the command line: yt-dlp the fixture page, ffprobe, the analyze
 * operation's ffmpeg pass (scene / silence / loudness detectors and the frames), scriptFromAnalysis, and
 * ffmpeg with the argv the edit operation builds for that script. Goal: process ≤ 1.2× by hand (median wall).
 *
 * The source is the edit benchmark's 60 s 720p clip (hard cut, silence), served as the fixture TikTok's
 * plain video page media: this benchmark's fixture server gets its own media dir in which `clip-2s.mp4`
 * is that clip, so every fresh video id is a first download of it. The by-hand script takes the
 * platform's title, overlay text and audio settings (from an untimed first request) so both sides render
 * the same thing; the log says whether the segments matched.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { z } from "zod";
import { type EditScript, editScriptSchema, scriptFromAnalysis } from "../../protocol/edit-script.ts";
import { startFixtureServer } from "../../test/fixtures/server.ts";
import { bundleWorker, summary } from "../archive/stack.ts";
import { analyseByHand, editArgs, ffmpeg, probeSource } from "./by-hand.ts";
import { EDIT_SOURCE, EDIT_SOURCE_LOUD, benchClip } from "./clips.ts";
import { type Timing, fmtTimings, ratioLine, timed } from "./measure.ts";
import { freshVideoId, postJson, startStudioStack, type StudioStack } from "./stack.ts";

const run = promisify(execFile);
const NUM_FRAMES = 10;
const USER = "studio.bench";
/** The process route waits for its task; a 60 s 720p edit on two shared cores takes a while. */
const SYNC_SECONDS = 900;

/** The documented response; fields beyond these are allowed. */
const processSchema = z.object({
  success: z.literal(true),
  download: z.object({ file_path: z.string(), from_cache: z.boolean() }).loose(),
  script: editScriptSchema,
  edit: z.object({ output_path: z.string() }).loose(),
  processing_time: z.number(),
});

const segmentsKey = (script: EditScript) => JSON.stringify(script.segments.map((s) => [s.start, s.end, s.speed, s.fadeIn ?? 0, s.fadeOut ?? 0, s.text?.content ?? ""]));

export const benchProcess = async (rounds: number): Promise<string[]> => {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-studio-process-"));
  const mediaDir = path.join(work, "fixture-media");
  await mkdir(mediaDir, { recursive: true });
  await copyFile(await benchClip(EDIT_SOURCE.name, EDIT_SOURCE.args), path.join(mediaDir, "clip-2s.mp4"));
  const fixtures = await startFixtureServer({ mediaDir });
  let stack: StudioStack | undefined;
  try {
    stack = await startStudioStack(await bundleWorker(work), fixtures, { SYNC_TASK_TIMEOUT_SECONDS: String(SYNC_SECONDS) });
    const { stdout: ytdlpVersion } = await run("yt-dlp", ["--version"]);
    console.log(`process: source ${EDIT_SOURCE.name} as ${fixtures.origin}/media/clip-2s.mp4; yt-dlp ${ytdlpVersion.trim()}; num_frames ${NUM_FRAMES}`);

    const platform: Timing[] = [];
    const byHand: Timing[] = [];
    const reported: number[] = [];
    let platformScript: EditScript | undefined;
    let handScript: EditScript | undefined;

    const notes: string[] = [];
    /** Seconds per step and round: the platform's transcoder operations (by path) and the rest, the by-hand commands. */
    const platformSteps: Record<string, number[]> = {};
    const handSteps: Record<string, number[]> = {};
    const medians = (steps: Record<string, number[]>) => Object.entries(steps).map(([name, xs]) => `${name} ${summary(xs).median.toFixed(2)} s`).join(", ");
    const platformRun = async (round: number): Promise<void> => {
      const url = `https://www.tiktok.com/@${USER}/video/${freshVideoId()}`;
      const callsBefore = stack!.transcoderCalls.length;
      const { timing, value: res } = await timed(() => postJson(stack!, "/api/v1/process", { url, num_frames: NUM_FRAMES }));
      const text = await res.text();
      if (res.status !== 200) throw new Error(`POST /api/v1/process answered ${res.status}: ${text.slice(0, 500)}`);
      const body = processSchema.parse(JSON.parse(text));
      const out = await fetch(`${stack!.url}${body.edit.output_path}`, { method: "HEAD" });
      const ops = new Map<string, number>();
      for (const call of stack!.transcoderCalls.slice(callsBefore)) ops.set(call.path, (ops.get(call.path) ?? 0) + call.seconds);
      const inOps = [...ops.values()].reduce((a, b) => a + b, 0);
      platform.push(timing);
      reported.push(body.processing_time);
      if (round > 0) for (const [op, seconds] of [...ops, ["outside the transcoder", timing.wall - inOps] as const]) (platformSteps[op] ??= []).push(seconds);
      platformScript = body.script;
      console.log(
        `process ${round === 0 ? "warm-up" : `round ${round}`} platform: ${timing.wall.toFixed(2)} s (processing_time ${body.processing_time}); download from_cache ${String(body.download.from_cache)}; ${body.script.segments.length} segments; ` +
          `${body.edit.output_path} ${out.status} ${out.headers.get("content-length")} B; transcoder ${[...ops].map(([op, sec]) => `${op} ${sec.toFixed(2)} s`).join(", ")}, ` +
          `outside it ${(timing.wall - inOps).toFixed(2)} s`,
      );
    };
    const handRun = async (round: number) => {
      const dir = path.join(work, `hand-${round}`);
      const pageUrl = `${fixtures.origin}/tiktok/@${USER}/video/${freshVideoId()}`;
      const marks: number[] = [];
      const { timing } = await timed(async () => {
        marks.push(performance.now());
        await run("yt-dlp", ["-q", "--no-progress", "-o", path.join(dir, "source.%(ext)s"), pageUrl], { cwd: work });
        marks.push(performance.now());
        const input = path.join(dir, "source.mp4");
        const source = await probeSource(input);
        const analysis = await analyseByHand(input, source, path.join(dir, "analysis"), NUM_FRAMES);
        marks.push(performance.now());
        const overlay = platformScript?.segments[0]?.text?.content;
        const built = scriptFromAnalysis(analysis, { ...(platformScript?.title ? { title: platformScript.title } : {}), ...(overlay ? { caption: overlay } : {}) });
        handScript = platformScript ? { ...built, audio: platformScript.audio } : built;
        await ffmpeg(await editArgs(handScript, source, input, path.join(dir, "edited.mp4"), path.join(dir, "texts")));
        marks.push(performance.now());
      });
      byHand.push(timing);
      const steps = ["yt-dlp", "ffprobe + analysis pass", "script + edit"].map((name, i) => [name, (marks[i + 1]! - marks[i]!) / 1000] as const);
      for (const [name, seconds] of steps) (handSteps[name] ??= []).push(seconds);
      const size = (await stat(path.join(dir, "edited.mp4"))).size;
      console.log(`process round ${round} by hand:  ${timing.wall.toFixed(2)} s (cpu ${timing.cpu.toFixed(1)} s); edited.mp4 ${size} B; ${steps.map(([n, sec]) => `${n} ${sec.toFixed(2)} s`).join(", ")}`);
      await rm(dir, { recursive: true, force: true });
    };

    // An untimed first request: the Worker's cold start stays out of the figures, and a source the
    // platform cannot process is reported before the loud variant (no loudnorm in its script) is measured.
    const warm = await platformRun(0).then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (warm) {
      notes.push(`    NOTE: process FAILED on ${EDIT_SOURCE.name} (whose script normalises loudness): ${warm}`);
      notes.push(`    measured instead: ${EDIT_SOURCE_LOUD.name}, the same clip at −14 LUFS (no loudnorm in its script)`);
      for (const line of notes) console.log(line);
      const next = path.join(mediaDir, ".next.mp4");
      await copyFile(await benchClip(EDIT_SOURCE_LOUD.name, EDIT_SOURCE_LOUD.args), next);
      await rename(next, path.join(mediaDir, "clip-2s.mp4"));
      await platformRun(0);
    }
    platform.length = 0;
    reported.length = 0;

    for (let round = 1; round <= rounds; round++) {
      // Rounds alternate who goes first; the by-hand side copies the warm-up's title, overlay text and audio.
      if (round % 2 === 1) {
        await platformRun(round);
        await handRun(round);
      } else {
        await handRun(round);
        await platformRun(round);
      }
    }
    const same = platformScript && handScript && segmentsKey(platformScript) === segmentsKey(handScript);
    const lines = [
      `(4) POST /api/v1/process  ${fmtTimings(platform, false)}  (processing_time median ${[...reported].sort((a, b) => a - b)[Math.floor(reported.length / 2)]})`,
      `    by hand (yt-dlp, ffprobe, analysis pass, edit)  ${fmtTimings(byHand)}`,
      `    process / by hand (median wall) ${ratioLine(platform, byHand)}  goal ≤ 1.2`,
      `    medians per step: platform ${medians(platformSteps)}; by hand ${medians(handSteps)}`,
      ...notes,
      `    scripts: ${same ? "same segments, fades and overlay on both sides" : `DIFFER — platform ${platformScript ? segmentsKey(platformScript) : "?"} vs by hand ${handScript ? segmentsKey(handScript) : "?"}`}`,
    ];
    for (const line of lines) console.log(line);
    return lines;
  } finally {
    await stack?.stop();
    await fixtures.close();
    await rm(work, { recursive: true, force: true });
  }
};
