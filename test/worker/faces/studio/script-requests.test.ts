/**
 * The script routes in the worker project (no transcoder here): the edit script's JSON Schema, and what
 * generate-script, edit and process refuse before any media work — bad scripts named by field, bad output
 * names, paths that are not studio file paths, unknown files, bad URLs and frame counts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { editScriptJsonSchema, scriptFromAnalysis, type EditScriptInput } from "../../../../protocol/edit-script";
import type { AnalyzeResult } from "../../../../protocol/media-analysis";
import { mediaFetchKey } from "../../../../worker/media/fetch-media";
import { resolveSource } from "../../../../worker/sources/resolve";
import { seedSucceededFetch } from "../../support/cached-fetch";
import { call, postJson } from "../../support/http";

const analysis: AnalyzeResult = {
  durationSeconds: 12,
  width: 1280,
  height: 720,
  frameRate: 30,
  hasAudio: true,
  frames: [],
  scenes: [{ time: 5, score: 0.7 }],
  silences: [],
  loudness: { integrated: -20, range: 6, truePeak: -1 },
};
const valid = (): EditScriptInput => structuredClone(scriptFromAnalysis(analysis));

async function downloadedVideo(id: string): Promise<string> {
  const url = `https://www.tiktok.com/@studio/video/${id}`;
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(resolved.message);
  const key = mediaFetchKey({ service: "tiktok", sourceId: resolved.source.id, select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" } });
  await seedSucceededFetch(env, { idempotencyKey: key, outputs: 1, lastAccessedAt: Date.now(), bytesPerOutput: 2048 });
  const res = await postJson("/api/v1/download", { url });
  expect(res.status).toBe(200);
  return ((await res.json()) as { file_path: string }).file_path;
}

async function refused(path: string, body: unknown, status: number, mentions?: RegExp | string): Promise<string> {
  const res = await postJson(path, body);
  const err = (await res.json()) as { success: boolean; error: string };
  expect(res.status, `${JSON.stringify(body)} → ${err.error}`).toBe(status);
  expect(err.success).toBe(false);
  if (mentions) expect(err.error, JSON.stringify(body)).toMatch(mentions);
  return err.error;
}

describe("GET /api/v1/schemas/edit-script.json", () => {
  it("should serve the shared schema's JSON Schema without credentials, even when a token is configured", async () => {
    const res = await call("/api/v1/schemas/edit-script.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("application/json");
    const schema = (await res.json()) as { $id: string; required: string[]; properties: Record<string, unknown> };
    expect(schema).toEqual(editScriptJsonSchema());
    expect(schema.$id).toBe("edit-script.json");
    expect(schema.required).toEqual(expect.arrayContaining(["version", "source", "output", "segments", "audio"]));
  });
});

/** Each bad script and the field its 400 must name. */
const BAD_SCRIPTS: { name: string; change: (s: EditScriptInput) => unknown; names: string }[] = [
  { name: "no segments", change: (s) => ({ ...s, segments: [] }), names: "script.segments" },
  { name: "a segment ending before it starts", change: (s) => (s.segments[1] = { ...s.segments[1]!, end: s.segments[1]!.start }, s), names: "script.segments[1].end must be after start" },
  { name: "a segment past the source's end", change: (s) => (s.segments.at(-1)!.end = 99, s), names: "script.segments[1].end (99) is past the end" },
  { name: "overlapping segments", change: (s) => (s.segments[1]!.start = 1, s), names: "script.segments[1].start (1) must not be before segments[0].end" },
  { name: "a speed over 4", change: (s) => (s.segments[0]!.speed = 8, s), names: "script.segments[0].speed" },
  { name: "an unknown aspect", change: (s) => ({ ...s, output: { aspect: "4:3" } }), names: "script.output.aspect" },
  { name: "an empty text overlay", change: (s) => (s.segments[0]!.text = { content: " " }, s), names: "script.segments[0].text.content" },
  { name: "another version", change: (s) => ({ ...s, version: 2 }), names: "script.version" },
  { name: "a frame URL that is not a URL", change: (s) => ({ ...s, frames: [{ time: 0, url: "frame.jpg" }] }), names: "script.frames[0].url" },
];

describe("POST /api/v1/edit: refusals", () => {
  it.each(BAD_SCRIPTS)("should answer 400 naming the field for $name", async ({ change, names }) => {
    const script = change(valid());
    const error = await refused("/api/v1/edit", { video_path: "/api/v1/video/tiktok-1.mp4", script, output_filename: "out.mp4" }, 400);
    expect(error).toContain(names);
  });

  it("should refuse output names that are not a plain .mp4 name, and bodies without the fields", async () => {
    for (const output_filename of ["out.mov", "../out.mp4", "dir/out.mp4", "/tmp/out.mp4", ".mp4", "", "out.mp4/"]) {
      await refused("/api/v1/edit", { video_path: "/api/v1/video/tiktok-1.mp4", script: valid(), output_filename }, 400, /output_filename/);
    }
    await refused("/api/v1/edit", { video_path: "/api/v1/video/tiktok-1.mp4", output_filename: "a.mp4" }, 400, /script/);
    await refused("/api/v1/edit", { script: valid(), output_filename: "a.mp4" }, 400, /video_path/);
    await refused("/api/v1/edit", "{not json", 400);
  });

  it("should refuse server paths and traversal (400) and an unknown file (404)", async () => {
    for (const video_path of ["/tmp/video.mp4", "../etc/passwd", "/api/v1/video/../x.mp4", "https://evil.test/api/v1/video/x.mp4"]) {
      await refused("/api/v1/edit", { video_path, script: valid(), output_filename: "a.mp4" }, 400, /video_path/);
    }
    await refused("/api/v1/edit", { video_path: "/api/v1/video/never-downloaded.mp4", script: valid(), output_filename: "a.mp4" }, 404, /never-downloaded\.mp4/);
  });
});

describe("POST /api/v1/generate-script: refusals", () => {
  it("should refuse num_frames outside 1–60, paths that are not studio paths, and unknown files", async () => {
    const path = await downloadedVideo("7300000000000000001");
    for (const num_frames of [0, 61, 2.5, "10"]) await refused("/api/v1/generate-script", { video_path: path, num_frames }, 400, /num_frames/);
    for (const video_path of ["/tmp/video.mp4", "../x.mp4", "https://evil.test/x.mp4"]) {
      await refused("/api/v1/generate-script", { video_path, num_frames: 3 }, 400, /video_path/);
    }
    await refused("/api/v1/generate-script", { video_path: "/api/v1/video/never-downloaded.mp4" }, 404);
    await refused("/api/v1/generate-script", {}, 400, /video_path/);
  });
});

describe("POST /api/v1/process: refusals", () => {
  it("should refuse an empty or non-TikTok URL and a bad num_frames before submitting anything", async () => {
    await refused("/api/v1/process", { url: "" }, 400, /URL is required/);
    await refused("/api/v1/process", { url: "https://example.com/video.mp4" }, 400, /Invalid TikTok URL/);
    await refused("/api/v1/process", { url: "https://www.tiktok.com/@a/video/7300000000000000002", num_frames: 0 }, 400, /num_frames/);
    await refused("/api/v1/process", {}, 400, /url/);
  });
});
