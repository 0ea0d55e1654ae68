/**
 * Source videos for the studio operations (analyze, edit, compress), made by ffmpeg from lavfi into one
 * temporary directory per test file and served by a clip server. Each recipe says what is known about
 * the clip (where its cut and its silence are), which is what the tests check the operations against.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type ClipServer, startClipServer } from "./clip-server.ts";

const execFileAsync = promisify(execFile);

export const H264_FAST = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "23", "-pix_fmt", "yuv420p"];
export const AAC = ["-c:a", "aac", "-b:a", "96k"];

/**
 * 640x360, 25 fps, 6 s. Picture: testsrc2 for 3 s, then SMPTE HD bars (a hard cut at 3.0 s). Sound: a
 * 440 Hz tone for 4 s, 1.2 s of digital silence (4.0–5.2 s), a 660 Hz tone to the end.
 */
export const CUT_AND_SILENCE = {
  cutSeconds: 3,
  silence: { start: 4, end: 5.2 },
  durationSeconds: 6,
  args: [
    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=3",
    "-f", "lavfi", "-i", "smptehdbars=size=640x360:rate=25:duration=3",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
    "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono:d=1.2",
    "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000:duration=0.8",
    "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v];[2:a][3:a][4:a]concat=n=3:v=0:a=1[a]",
    "-map", "[v]", "-map", "[a]", ...H264_FAST, "-g", "25", ...AAC,
  ],
};

export type StudioClips = ClipServer & {
  dir: string;
  /** Generates `name` from ffmpeg arguments (inputs and codec options) and returns its path. */
  make(name: string, args: readonly string[]): Promise<string>;
};

export const startStudioClips = async (): Promise<StudioClips> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "studio-clips-"));
  const server = await startClipServer(dir);
  return {
    ...server,
    dir,
    make: async (name, args) => {
      const file = path.join(dir, name);
      await execFileAsync(process.env.FFMPEG_PATH ?? "ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args, file]);
      return file;
    },
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

/** EBU R128 integrated loudness of a file's audio, measured by ffmpeg's ebur128 summary (LUFS). */
export const integratedLoudness = async (file: string): Promise<number> => {
  const { stderr } = await execFileAsync("ffmpeg", ["-hide_banner", "-nostats", "-i", file, "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-"]);
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const match = /I:\s+(-?[\d.]+) LUFS/.exec(summary);
  if (!match) throw new Error(`no ebur128 summary in: ${summary.slice(0, 500)}`);
  return Number(match[1]);
};
