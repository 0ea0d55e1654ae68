/**
 * HLS ladder benchmark (`npm run bench:hls`). On a 120 s 720p clip (lavfi, generated once), three rounds,
 * alternating the contenders inside each round so load drift hits both alike:
 *   (a) the ladder in one ffmpeg pass (the `hls` operation's own command line) vs the same rungs as
 *       separate encodes (one ffmpeg per rung, each decoding and scaling from the source) — goal ≤ 0.6;
 *   (b) the transcoder's `hls` operation end to end over loopback HTTP (download, ffmpeg, segment
 *       uploads, playlists) vs the bare ffmpeg command line producing the same outputs — goal ≤ 1.1.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, TRANSCODER_OPERATIONS, progressEventSchema } from "../../protocol/transcoder.ts";
import { loadConfig } from "../../containers/transcoder/src/config.ts";
import { ffprobe } from "../../containers/transcoder/src/lib/ffprobe.ts";
import { type LadderPlan, ladderArgs, planLadder } from "../../containers/transcoder/src/lib/hls-ladder.ts";
import { startTranscoderServer } from "../../containers/transcoder/src/server.ts";
import { hlsClip, hlsClipDir } from "../../test/fixtures/hls-clips.ts";
import { startClipServer } from "../../test/transcoder/helpers/clip-server.ts";
import { startReceiver } from "../../test/transcoder/helpers/receiver.ts";

const ROUNDS = 3;
const SEGMENT_SECONDS = 4;
const CORES = os.availableParallelism();
/** USER_HZ: what /proc counts CPU time in on Linux. */
const CLOCK_TICKS = 100;
const run = promisify(execFile);

const ffmpeg = async (args: string[]): Promise<void> => {
  await run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args], { maxBuffer: 16 * 1024 * 1024 });
};

type Timing = { wall: number; cpu: number };
const timed = async (fn: () => Promise<void>): Promise<Timing> => {
  const [start, cpuStart] = [performance.now(), await cpuSeconds()];
  await fn();
  return { wall: (performance.now() - start) / 1000, cpu: (await cpuSeconds()) - cpuStart };
};

/**
 * The same rungs, encoder settings and HLS outputs, but one process per rung, each scaling from the source;
 * no poster (the one pass makes one too).
 */
const separateArgs = (plan: LadderPlan, input: string, outDir: string): string[][] =>
  plan.rungs.map((rung) => ladderArgs({ ...plan, rungs: [rung] }, { input, outDir }, { poster: false }));

/**
 * CPU seconds (user + system) of this process and its waited-for children: ffmpeg runs as a child both
 * here and in the in-process transcoder. Unlike wall time it barely moves when other work shares the
 * machine, so it shows whether a change saved work or only luck with the scheduler.
 */
const cpuSeconds = async (): Promise<number> => {
  const fields = (await readFile("/proc/self/stat", "utf8")).split(") ")[1]!.split(" ");
  // Fields 14–17 of proc(5) (utime, stime, cutime, cstime), counted after the ")" that ends field 2.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / CLOCK_TICKS;
};

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
const fmt = (ts: Timing[]) => {
  const { min, median, max } = stats(ts.map((t) => t.wall));
  return `min ${min.toFixed(2)} s  median ${median.toFixed(2)} s  max ${max.toFixed(2)} s  (cpu median ${stats(ts.map((t) => t.cpu)).median.toFixed(1)} s)`;
};
const ratio = (a: Timing[], b: Timing[], of: keyof Timing) => (stats(a.map((t) => t[of])).median / stats(b.map((t) => t[of])).median).toFixed(3);

const main = async () => {
  const input = await hlsClip("bench-120s-720p.mp4");
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-hls-"));
  const probed = await ffprobe({ kind: "file", path: input }, { ffprobePath: "ffprobe", signal: new AbortController().signal, timeoutMs: 30_000 });
  if (!probed.ok) throw new Error(probed.error.message);
  const plan = planLadder(probed.value, { segmentSeconds: SEGMENT_SECONDS })!;
  console.log(`source: ${input} (${plan.durationSeconds} s), rungs ${plan.rungs.map((r) => r.name).join(" / ")}, ${plan.fps} fps, ${CORES} cores`);

  const clips = await startClipServer(hlsClipDir());
  const receiver = await startReceiver();
  const transcoder = await startTranscoderServer(
    loadConfig({ PORT: "0", HOST: "127.0.0.1", WORK_DIR: path.join(work, "transcoder"), TRANSCODER_TEST_MODE: "1", TRANSCODER_ALLOWED_ORIGINS: clips.origin }),
    { log: () => {} },
  );

  const fresh = async (name: string): Promise<string> => {
    const dir = path.join(work, name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  };
  const onePass = async () => ffmpeg(ladderArgs(plan, { input, outDir: await fresh("one-pass") }));
  const separate = async () => {
    const dir = await fresh("separate");
    for (const args of separateArgs(plan, input, dir)) await ffmpeg(args);
  };
  let op = 0;
  const operation = async () => {
    const res = await fetch(`${transcoder.url}${TRANSCODER_OPERATIONS.hls.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", [PROTOCOL_VERSION_HEADER]: PROTOCOL_VERSION },
      body: JSON.stringify({
        taskId: `bench-${++op}`,
        source: clips.url("bench-120s-720p.mp4"),
        output: { uploadUrl: `${receiver.origin}/bench/${op}`, maxBytes: 1024 ** 3 },
        segmentSeconds: SEGMENT_SECONDS,
      }),
    });
    const last = (await res.text()).trim().split("\n").map((l) => progressEventSchema.parse(JSON.parse(l))).at(-1);
    if (last?.type !== "done") throw new Error(`hls operation did not finish: ${JSON.stringify(last)}`);
  };

  const times = { onePass: [] as Timing[], separate: [] as Timing[], operation: [] as Timing[], bare: [] as Timing[] };
  const last = (name: keyof typeof times) => `${times[name].at(-1)!.wall.toFixed(2)} s (cpu ${times[name].at(-1)!.cpu.toFixed(1)} s)`;
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const flip = round % 2 === 0;
      for (const [name, fn] of flip ? ([["separate", separate], ["onePass", onePass]] as const) : ([["onePass", onePass], ["separate", separate]] as const)) {
        times[name].push(await timed(fn));
      }
      for (const [name, fn] of flip ? ([["bare", onePass], ["operation", operation]] as const) : ([["operation", operation], ["bare", onePass]] as const)) {
        times[name].push(await timed(fn));
      }
      console.log(`round ${round}: one pass ${last("onePass")}, separate ${last("separate")}, operation ${last("operation")}, bare ffmpeg ${last("bare")}`);
    }
  } finally {
    await transcoder.close();
    await Promise.all([clips.close(), receiver.close()]);
    await rm(work, { recursive: true, force: true });
  }

  console.log("");
  console.log(`(a) one ffmpeg pass       ${fmt(times.onePass)}`);
  console.log(`    separate encodes      ${fmt(times.separate)}`);
  console.log(`    ratio (median)        ${ratio(times.onePass, times.separate, "wall")}  (goal ≤ 0.6; cpu ${ratio(times.onePass, times.separate, "cpu")})`);
  console.log(`(b) transcoder operation  ${fmt(times.operation)}`);
  console.log(`    bare ffmpeg           ${fmt(times.bare)}`);
  console.log(`    ratio (median)        ${ratio(times.operation, times.bare, "wall")}  (goal ≤ 1.1; cpu ${ratio(times.operation, times.bare, "cpu")})`);
};

await main();
