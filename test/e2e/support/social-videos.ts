/** Seed 002 videos for e2e tests: a 720p test clip made by ffmpeg, its upload, and waiting on its status. */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { expect } from "vitest";
import { api } from "./client";

const run = promisify(execFile);

/** A 720p H.264 + AAC clip of `seconds` (testsrc2 and a sine tone), written to `file` and returned. */
export async function makeClip(file: string, seconds: number): Promise<Uint8Array<ArrayBuffer>> {
  await run("ffmpeg", [
    "-v", "error", "-y",
    "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
    "-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
    file,
  ]);
  return new Uint8Array(readFileSync(file));
}

/** `POST /api/v1/video/upload` of `bytes`; the new video's id. */
export async function uploadVideo(name: string, bytes: Uint8Array<ArrayBuffer>, title = `e2e ${name}`): Promise<number> {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type: "video/mp4" }), name);
  form.append("title", title);
  const res = await api("/api/v1/video/upload", { method: "POST", body: form });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { id: number }).id;
}

export interface VideoStatus {
  status: string;
  error_message: string | null;
}

export async function videoStatus(id: number): Promise<VideoStatus> {
  return (await (await api(`/api/v1/video/status/${id}`)).json()) as VideoStatus;
}

/** Polls `/video/status` until `wanted` holds (throws after `timeoutMs`, naming the status it saw). */
export async function waitForVideoStatus(id: number, wanted: (status: string) => boolean, timeoutMs = 100_000): Promise<VideoStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await videoStatus(id);
    if (wanted(s.status)) return s;
    if (Date.now() > deadline) throw new Error(`video ${id} still ${s.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
