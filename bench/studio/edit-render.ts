/**
 * Edit render: the transcoder's `edit` operation end to end over loopback HTTP (source download, probe,
 * the one ffmpeg render, ffprobe of the result, upload) vs the same ffmpeg command line run directly on
 * the local file. The script is scriptFromAnalysis of the analyze operation's own analysis of a 60 s
 * 720p clip with a hard cut and a silence: segments split at the cut, the silence trimmed, 9:16, a title
 * overlay, fades and loudnorm. Goal: operation ≤ 1.1× bare ffmpeg (median wall time).
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type EditScript, scriptFromAnalysis } from "../../protocol/edit-script.ts";
import { outputFrameSize } from "../../containers/transcoder/src/lib/edit-graph.ts";
import { editArgs, ffmpeg, probeSource } from "./by-hand.ts";
import { EDIT_SOURCE, benchClip, benchClipDir } from "./clips.ts";
import { type Timing, fmtTimings, ratioLine, timed } from "./measure.ts";
import { startOpsHarness } from "./transcoder-ops.ts";

export const benchEditRender = async (rounds: number): Promise<string[]> => {
  const input = await benchClip(EDIT_SOURCE.name, EDIT_SOURCE.args);
  const source = await probeSource(input);
  const harness = await startOpsHarness(benchClipDir());
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-studio-edit-"));
  try {
    const { result: analysis } = await harness.run("analyze", EDIT_SOURCE.name, { numFrames: 10 });
    const built = scriptFromAnalysis(analysis, { title: "Sixty seconds of test pattern, cut down for a phone" });
    // The measured script normalises loudness; the log says whether the analysis alone asked for it.
    let script: EditScript = { ...built, audio: { ...built.audio, normalize: true } };
    const notes: string[] = [];
    // An untimed render first: it warms the page cache, and a script the operation refuses is reported
    // (not hidden) before the closest script it renders is measured instead.
    const refused = await harness.run("edit", EDIT_SOURCE.name, { script }).then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)));
    if (refused) {
      notes.push(`    NOTE: the edit operation FAILED on the script with loudnorm: ${refused}`);
      notes.push("    measured instead: the same script with audio.normalize false (no loudnorm)");
      for (const line of notes) console.log(line);
      script = { ...script, audio: { ...script.audio, normalize: false } };
    }
    const size = outputFrameSize(script.output, source);
    console.log(
      `edit: source ${EDIT_SOURCE.name} ${source.width}x${source.height} ${source.durationSeconds} s; analysis: scenes at ${analysis.scenes.map((s) => s.time).join(", ") || "none"}, ` +
        `silences ${analysis.silences.map((s) => `${s.start}–${s.end}`).join(", ") || "none"}, loudness ${analysis.loudness?.integrated ?? "n/a"} LUFS ` +
        `(normalize from the analysis: ${built.audio.normalize})`,
    );
    console.log(
      `edit: script ${script.segments.map((s) => `[${s.start}–${s.end}${s.text ? " text" : ""}${s.fadeIn ? " fadeIn" : ""}${s.fadeOut ? " fadeOut" : ""}]`).join(" ")}, ` +
        `aspect ${script.output.aspect} → ${size.width}x${size.height}, loudnorm ${script.audio.normalize}`,
    );

    const operation: Timing[] = [];
    const bare: Timing[] = [];
    let opOutput = { size: 0, duration: 0 };
    const bareFile = path.join(work, "bare.mp4");
    const runOperation = async () => {
      const { timing, value } = await timed(() => harness.run("edit", EDIT_SOURCE.name, { script }));
      operation.push(timing);
      opOutput = { size: value.result.output.size, duration: value.result.output.durationSeconds ?? 0 };
    };
    const runBare = async () => {
      await rm(bareFile, { force: true });
      const args = await editArgs(script, source, input, bareFile, path.join(work, "texts"));
      bare.push((await timed(() => ffmpeg(args))).timing);
    };
    for (let round = 1; round <= rounds; round++) {
      // Alternate who goes first, so drifting load from the other engineers hits both alike.
      if (round % 2 === 1) {
        await runOperation();
        await runBare();
      } else {
        await runBare();
        await runOperation();
      }
      console.log(`edit round ${round}: operation ${operation.at(-1)!.wall.toFixed(2)} s (cpu ${operation.at(-1)!.cpu.toFixed(1)}), bare ffmpeg ${bare.at(-1)!.wall.toFixed(2)} s (cpu ${bare.at(-1)!.cpu.toFixed(1)})`);
    }
    const bareProbe = await probeSource(bareFile);
    const bareSize = (await stat(bareFile)).size;
    const lines = [
      `(1) edit operation over HTTP  ${fmtTimings(operation)}`,
      `    bare ffmpeg, same argv    ${fmtTimings(bare)}`,
      `    operation / bare (median wall) ${ratioLine(operation, bare)}  goal ≤ 1.1; cpu ${ratioLine(operation, bare, "cpu")}`,
      `    outputs: operation ${opOutput.size} bytes ${opOutput.duration.toFixed(2)} s, bare ${bareSize} bytes ${bareProbe.durationSeconds.toFixed(2)} s`,
      ...notes,
    ];
    for (const line of lines) console.log(line);
    return lines;
  } finally {
    await harness.close();
    await rm(work, { recursive: true, force: true });
  }
};
