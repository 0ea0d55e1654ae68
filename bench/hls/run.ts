/**
 * HLS ladder benchmark (`npm run bench:hls`). On a 120 s 720p clip (lavfi, generated once), three rounds,
 * alternating the contenders inside each round so load drift hits both alike:
 *   (a) the ladder in one ffmpeg pass (the `hls` operation's own command line) vs the same rungs as
 *       separate encodes (one ffmpeg per rung, each decoding and scaling from the source) — goal ≤ 0.6;
 *   (b) the transcoder's `hls` operation end to end over loopback HTTP (download, ffmpeg, segment
 *       uploads, playlists) vs the bare ffmpeg command line producing the same outputs — goal ≤ 1.1.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { PROTOCOL_VERSION, PROTOCOL_VERSION_HEADER, TRANSCODER_OPERATIONS, progressEventSchema } from "../../protocol/transcoder.ts";
import { loadConfig } from "../../containers/transcoder/src/config.ts";
import { ffprobe } from "../../containers/transcoder/src/lib/ffprobe.ts";
import { type LadderPlan, ladderArgs, ladderFilter, planLadder } from "../../containers/transcoder/src/lib/hls-ladder.ts";
import { startTranscoderServer } from "../../containers/transcoder/src/server.ts";
import { hlsClip, hlsClipDir } from "../../test/fixtures/hls-clips.ts";
import { startClipServer } from "../../test/transcoder/helpers/clip-server.ts";
import { startReceiver } from "../../test/transcoder/helpers/receiver.ts";

const ROUNDS = 3;
const SEGMENT_SECONDS = 4;
const run = promisify(execFile);

const ffmpeg = async (args: string[]): Promise<void> => {
  await run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args], { maxBuffer: 16 * 1024 * 1024 });
};

const timed = async (fn: () => Promise<void>): Promise<number> => {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
};

/** The same rungs, encoder settings and HLS outputs, but one process per rung, each scaling from the source. */
const separateArgs = (plan: LadderPlan, input: string, outDir: string): string[][] =>
  plan.rungs.map((rung) => {
    const single: LadderPlan = { ...plan, rungs: [rung] };
    const args = ladderArgs(single, { input, outDir });
    // Keep only this rung's output: drop the poster branch of the graph and its output options.
    const posterAt = args.indexOf("[poster]") - 1;
    args.splice(posterAt, 9);
    const graph = args.indexOf("-filter_complex") + 1;
    args[graph] = ladderFilter(single).replace(",split=2[v0][poster]", ",null[v0]");
    return args;
  });

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
const fmt = (xs: number[]) => {
  const { min, median, max } = stats(xs);
  return `min ${min.toFixed(2)} s  median ${median.toFixed(2)} s  max ${max.toFixed(2)} s`;
};

const main = async () => {
  const input = await hlsClip("bench-120s-720p.mp4");
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-hls-"));
  const probed = await ffprobe({ kind: "file", path: input }, { ffprobePath: "ffprobe", signal: new AbortController().signal, timeoutMs: 30_000 });
  if (!probed.ok) throw new Error(probed.error.message);
  const plan = planLadder(probed.value, { segmentSeconds: SEGMENT_SECONDS })!;
  console.log(`source: ${input} (${plan.durationSeconds} s), rungs ${plan.rungs.map((r) => r.name).join(" / ")}, ${plan.fps} fps, ${os.cpus().length} cores`);

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

  const times = { onePass: [] as number[], separate: [] as number[], operation: [] as number[], bare: [] as number[] };
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const flip = round % 2 === 0;
      for (const [name, fn] of flip ? ([["separate", separate], ["onePass", onePass]] as const) : ([["onePass", onePass], ["separate", separate]] as const)) {
        times[name].push(await timed(fn));
      }
      for (const [name, fn] of flip ? ([["bare", onePass], ["operation", operation]] as const) : ([["operation", operation], ["bare", onePass]] as const)) {
        times[name].push(await timed(fn));
      }
      console.log(`round ${round}: one pass ${times.onePass.at(-1)!.toFixed(2)} s, separate ${times.separate.at(-1)!.toFixed(2)} s, operation ${times.operation.at(-1)!.toFixed(2)} s, bare ffmpeg ${times.bare.at(-1)!.toFixed(2)} s`);
    }
  } finally {
    await transcoder.close();
    await Promise.all([clips.close(), receiver.close()]);
    await rm(work, { recursive: true, force: true });
  }

  console.log("");
  console.log(`(a) one ffmpeg pass       ${fmt(times.onePass)}`);
  console.log(`    separate encodes      ${fmt(times.separate)}`);
  console.log(`    ratio (median)        ${(stats(times.onePass).median / stats(times.separate).median).toFixed(3)}  (goal ≤ 0.6)`);
  console.log(`(b) transcoder operation  ${fmt(times.operation)}`);
  console.log(`    bare ffmpeg           ${fmt(times.bare)}`);
  console.log(`    ratio (median)        ${(stats(times.operation).median / stats(times.bare).median).toFixed(3)}  (goal ≤ 1.1)`);
};

await main();
