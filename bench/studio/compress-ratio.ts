/**
 * Compress: six clips of different content (test pattern, fractal, noise), frame sizes, lengths, sound
 * and targets through the transcoder's `compress` operation; the uploaded file's size ÷ the target must
 * be inside 0.90–1.00 for every one. Prints a table (and each run's time, for the notes).
 */
import { COMPRESS_CLIPS, benchClip, benchClipDir } from "./clips.ts";
import { timed } from "./measure.ts";
import { startOpsHarness } from "./transcoder-ops.ts";
import { summary } from "../archive/stack.ts";

export const benchCompress = async (rounds: number): Promise<string[]> => {
  for (const clip of COMPRESS_CLIPS) await benchClip(clip.name, clip.args);
  const harness = await startOpsHarness(benchClipDir());
  const rows: string[] = [];
  let outside = 0;
  try {
    const header = `${"clip".padEnd(34)} ${"content".padEnd(30)} ${"len".padStart(4)} ${"quality".padEnd(7)} ${"target B".padStart(10)} ${"output B".padStart(10)}  ratio(s)          time`;
    console.log(header);
    rows.push(header);
    for (const clip of COMPRESS_CLIPS) {
      const ratios: number[] = [];
      const sizes: number[] = [];
      const seconds: number[] = [];
      for (let round = 1; round <= rounds; round++) {
        const { timing, value } = await timed(() => harness.run("compress", clip.name, { targetBytes: clip.targetBytes, quality: clip.quality }));
        const uploaded = value.uploads[0]!.bytes;
        ratios.push(uploaded / clip.targetBytes);
        sizes.push(uploaded);
        seconds.push(timing.wall);
      }
      outside += ratios.filter((r) => r < 0.9 || r > 1).length;
      const r = summary(ratios);
      const row =
        `${clip.name.padEnd(34)} ${clip.what.padEnd(30)} ${`${clip.seconds}s`.padStart(4)} ${clip.quality.padEnd(7)} ${String(clip.targetBytes).padStart(10)} ${String(sizes.at(-1)).padStart(10)}  ` +
        `${rounds > 1 ? `${r.min.toFixed(4)}/${r.median.toFixed(4)}/${r.max.toFixed(4)}` : r.median.toFixed(4).padEnd(17)} ${summary(seconds).median.toFixed(1)} s`;
      console.log(row);
      rows.push(row);
    }
  } finally {
    await harness.close();
  }
  const verdict = `(2) compress: ${outside === 0 ? "every" : `${outside} of the`} ${COMPRESS_CLIPS.length * rounds} outputs ${outside === 0 ? "within" : "OUTSIDE"} 0.90–1.00 of their target`;
  console.log(verdict);
  return [...rows, verdict];
};
