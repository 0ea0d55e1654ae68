import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "../../protocol/transcoder.ts";
import { ladderArgs, ladderFilter, planLadder } from "../../containers/transcoder/src/lib/hls-ladder.ts";

const execFileAsync = promisify(execFile);

const probe = (width: number, height: number, durationSeconds = 120): ProbeResult => ({
  formatName: "mov,mp4,m4a,3gp,3g2,mj2",
  durationSeconds,
  streams: [
    { index: 0, type: "video", codec: "h264", width, height, frameRate: 30 },
    { index: 1, type: "audio", codec: "aac", sampleRate: 44100, channels: 2 },
  ],
});

const plan720 = planLadder(probe(1280, 720), { segmentSeconds: 4 })!;

/** `[in]filters[out1][out2]` chains of a filter graph, as input label, filters and output labels. */
const chains = (graph: string) =>
  graph.split(";").map((chain) => {
    const [, input, filters, outputs] = /^(\[[^\]]+\])(.*?)((?:\[[^\]]+\])+)$/.exec(chain)!;
    return { input: input!, filters: filters!, outputs: outputs!.match(/\[[^\]]+\]/g)! };
  });

describe("the ladder's filter graph", () => {
  it("should scale each lower rung from the rung above it, not from the source", () => {
    const graph = chains(ladderFilter(plan720));
    const producing = (label: string) => graph.find((c) => c.outputs.includes(label))!;
    expect(plan720.rungs.map((r) => r.name)).toEqual(["720p", "480p", "240p"]);
    expect(producing("[v0]").input).toBe("[0:v:0]");
    for (const i of [1, 2]) {
      const chain = producing(`[v${i}]`);
      // The frames this rung scales come out of the chain that also makes the rung above.
      expect(producing(chain.input).outputs).toContain(`[v${i - 1}]`);
      expect(chain.filters).toContain(`,${plan720.rungs[i]!.shortSide})`);
    }
  });

  it("should let a single frame, at the poster time, reach the poster output", async () => {
    const plan = planLadder(probe(640, 360, 3), { segmentSeconds: 2 })!;
    // No -frames:v on [poster] here: what the graph itself lets through is what is counted.
    const { stdout } = await execFileAsync("ffmpeg", [
      ...["-hide_banner", "-nostdin", "-loglevel", "error"],
      ...["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=3"],
      ...["-filter_complex", ladderFilter(plan)],
      ...["-map", "[poster]", "-f", "framecrc", "-"],
      ...plan.rungs.flatMap((_, i) => ["-map", `[v${i}]`, "-f", "null", "-"]),
    ]);
    const frames = stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(frames).toHaveLength(1);
    // framecrc: stream, dts, pts, ... in the 1/30 s time base of the constant-rate graph.
    expect(Number(frames[0]!.split(",")[2])).toBe(plan.posterSeconds * 30);
  });

  it("should leave the poster out when asked", () => {
    const args = ladderArgs(plan720, { input: "/in", outDir: "/out" }, { poster: false });
    expect(args.join(" ")).not.toContain("poster");
    expect(ladderArgs(plan720, { input: "/in", outDir: "/out" })).toContain("file:/out/poster.jpg");
  });
});
