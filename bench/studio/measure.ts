/**
 * Timing for the studio benchmarks: wall time next to CPU seconds of this process and its waited-for
 * children (ffmpeg and yt-dlp run as children both in the in-process transcoder and by hand), and
 * min / median / max of a series. CPU barely moves when other engineers load the shared machine, so a
 * ratio that holds in CPU but not in wall time points at the scheduler, not at the code.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import { summary } from "../archive/stack.ts";

/** USER_HZ: what /proc counts CPU time in on Linux. */
const CLOCK_TICKS = 100;

export type Timing = { wall: number; cpu: number };

/**
 * Only children that have been waited for are counted (cutime, cstime): every contender here awaits
 * its processes before it returns. A separate process (wrangler dev, the transcoder of a stack) is not.
 */
export const cpuSeconds = async (): Promise<number> => {
  const fields = (await readFile("/proc/self/stat", "utf8")).split(") ")[1]!.split(" ");
  // Fields 14–17 of proc(5) (utime, stime, cutime, cstime), counted after the ")" that ends field 2.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / CLOCK_TICKS;
};

export const timed = async <T>(fn: () => Promise<T>): Promise<{ timing: Timing; value: T }> => {
  const [start, cpuStart] = [performance.now(), await cpuSeconds()];
  const value = await fn();
  return { timing: { wall: (performance.now() - start) / 1000, cpu: (await cpuSeconds()) - cpuStart }, value };
};

export const fmtTimings = (ts: Timing[], withCpu = true): string => {
  const { min, median, max } = summary(ts.map((t) => t.wall));
  const cpu = withCpu ? `  (cpu median ${summary(ts.map((t) => t.cpu)).median.toFixed(1)} s)` : "";
  return `min ${min.toFixed(2)} s  median ${median.toFixed(2)} s  max ${max.toFixed(2)} s${cpu}`;
};

/** Ratio of the medians, and each round's own ratio (the contenders ran side by side in it). */
export const ratioLine = (a: Timing[], b: Timing[], of: keyof Timing = "wall"): string => {
  const medians = summary(a.map((t) => t[of])).median / summary(b.map((t) => t[of])).median;
  const rounds = summary(a.map((t, i) => t[of] / b[i]![of]));
  return `${medians.toFixed(3)} (per round min ${rounds.min.toFixed(3)} median ${rounds.median.toFixed(3)} max ${rounds.max.toFixed(3)})`;
};

export const machineLine = (): string => `${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`;
