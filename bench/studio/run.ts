/**
 * Seed 003 studio benchmarks (issue 14, "Measured"), each printing its contenders side by side from one run:
 *   --edit      (1) edit operation over HTTP vs the same ffmpeg command line — goal ≤ 1.1×
 *   --compress  (2) output size ÷ target for six clips — every one within 0.90–1.00
 *   --download  (3) cached vs first POST /api/v1/download on the running platform — goal ≤ 5 %
 *   --process   (4) POST /api/v1/process vs yt-dlp + ffmpeg by hand — goal ≤ 1.2×
 * No flag runs all four. BENCH_ROUNDS (default 3) sets the rounds of each (compress: runs per clip, default 1).
 *
 *   node bench/studio/run.ts [--edit] [--compress] [--download] [--process]
 */
import { parseArgs } from "node:util";
import { benchCompress } from "./compress-ratio.ts";
import { benchCachedDownload } from "./cached-download.ts";
import { benchEditRender } from "./edit-render.ts";
import { machineLine } from "./measure.ts";
import { benchProcess } from "./process-vs-hand.ts";

const { values } = parseArgs({
  options: { edit: { type: "boolean" }, compress: { type: "boolean" }, download: { type: "boolean" }, process: { type: "boolean" } },
});
const all = !values.edit && !values.compress && !values.download && !values.process;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const compressRounds = Number(process.env.BENCH_COMPRESS_ROUNDS ?? 1);

console.log(`${machineLine()}; ${rounds} rounds`);
const summaries: string[] = [];
const section = async (wanted: boolean | undefined, name: string, fn: () => Promise<string[]>) => {
  if (!all && !wanted) return;
  console.log(`\n== ${name} ==`);
  try {
    summaries.push(...(await fn()));
  } catch (err) {
    // One benchmark failing (e.g. a route not there yet) does not hide the others' figures.
    const line = `${name}: FAILED — ${err instanceof Error ? err.message : String(err)}`;
    console.log(line);
    summaries.push(line);
    process.exitCode = 1;
  }
};
await section(values.edit, "edit render", () => benchEditRender(rounds));
await section(values.compress, "compress to a size", () => benchCompress(compressRounds));
await section(values.download, "cached download", () => benchCachedDownload(rounds));
await section(values.process, "process end to end", () => benchProcess(rounds));

console.log(`\n== summary (${machineLine()}) ==`);
for (const line of summaries) console.log(line);
