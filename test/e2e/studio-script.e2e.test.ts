/**
 * Seed 003's script, edit and process on the real stack (wrangler dev + transcoder + fixture TikTok): a
 * download is analysed (frames served as JPEG, the script valid against the published schema, a repeat
 * answered from the same analysis), a script rendered (the served mp4 has the scripted duration and
 * frame), and a URL processed end to end with one fetch of the source.
 */
import { describe, expect, it } from "vitest";
import { editScriptJsonSchema, editScriptSchema, type EditScript } from "../../protocol/edit-script";
import { api, fixtureHits, postJson, probeBytes, stack, uniqueId } from "./support/client";
import { localD1 } from "./support/local-state";

interface Download {
  success: true;
  file_path: string;
  file_size: number;
  duration: number;
  from_cache: boolean;
}
interface ScriptAnswer {
  success: true;
  script: EditScript;
  analysis: { duration: number; width: number; height: number; scenes: unknown[]; silences: unknown[]; loudness: unknown };
  frames: { time: number; url: string; caption?: string }[];
}
interface EditAnswer {
  success: true;
  output_path: string;
  file_size: number;
  duration: number;
  width: number;
  height: number;
}
interface ProcessAnswer {
  success: true;
  download: Download;
  script: EditScript;
  edit: EditAnswer;
  processing_time: number;
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

async function servedVideo(path: string) {
  const res = await api(path);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("video/mp4");
  const bytes = new Uint8Array(await res.arrayBuffer());
  const probed = await probeBytes(bytes);
  const video = probed.streams.find((s) => s.codec_type === "video")!;
  return { bytes, duration: Number(probed.format.duration), width: video.width!, height: video.height!, codec: video.codec_name };
}

describe("studio generate-script and edit (seed 003)", () => {
  it("should analyse a download into served frames and a valid script, once, and render a script as scripted", async () => {
    const id = uniqueId();
    const download = await json<Download>(await postJson("/api/v1/download", { url: `https://www.tiktok.com/@studio/video/${id}` }));
    const source = await servedVideo(download.file_path);

    const answer = await json<ScriptAnswer>(await postJson("/api/v1/generate-script", { video_path: download.file_path, num_frames: 4 }));
    expect(answer.success).toBe(true);
    expect(answer.analysis).toMatchObject({ width: source.width, height: source.height });
    expect(Math.abs(answer.analysis.duration - source.duration)).toBeLessThan(0.2);
    expect(editScriptSchema.safeParse(answer.script).success).toBe(true);
    expect(answer.frames.map((f) => f.url)).toEqual([1, 2, 3, 4].map((n) => `${stack().workerUrl}/api/v1/video/tiktok-${id}-frame-0${n}-of-4.jpg`));
    expect(answer.script.frames).toEqual(answer.frames.map(({ time, url }) => ({ time, url })));
    // Without WORKERS_AI_* there are no captions and no title.
    expect(answer.frames.some((f) => f.caption !== undefined)).toBe(false);
    expect(answer.script.title).toBeUndefined();
    for (const frame of answer.frames) {
      const res = await fetch(frame.url);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("image/jpeg");
      expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    }
    const schema = await json<unknown>(await api("/api/v1/schemas/edit-script.json"));
    expect(schema).toEqual(JSON.parse(JSON.stringify(editScriptJsonSchema())));

    // The same video and num_frames: the same answer from the one analysis task, not a second run.
    const analysisRuns = () => Number(localD1(stack().persistDir, "SELECT coalesce(sum(attempts), 0) AS runs FROM tasks WHERE kind = 'studio.analyze'")[0]?.runs);
    const runsBefore = analysisRuns();
    expect(runsBefore).toBeGreaterThan(0);
    expect(await json<ScriptAnswer>(await postJson("/api/v1/generate-script", { video_path: download.file_path, num_frames: 4 }))).toEqual(answer);
    expect(analysisRuns()).toBe(runsBefore);

    // Two pieces, the second at double speed, cropped to 9:16 and capped at 320 pixels high.
    const script: EditScript = {
      ...answer.script,
      output: { aspect: "9:16", height: 320 },
      segments: [
        { start: 0, end: 1, speed: 1 },
        { start: 1.2, end: 2, speed: 2, text: { content: "Second half", position: "bottom" } },
      ],
    };
    const edit = await json<EditAnswer>(await postJson("/api/v1/edit", { video_path: download.file_path, script, output_filename: `edited-${id}.mp4` }));
    expect(edit.output_path).toBe(`/api/v1/video/edited-${id}.mp4`);
    const served = await servedVideo(edit.output_path);
    expect(served.bytes.byteLength).toBe(edit.file_size);
    expect(served.codec).toBe("h264");
    expect(Math.abs(served.duration - 1.4)).toBeLessThan(0.15);
    expect(Math.abs(edit.duration - served.duration)).toBeLessThan(0.1);
    expect({ width: served.width, height: served.height }).toEqual({ width: edit.width, height: edit.height });
    expect(served.height).toBeLessThanOrEqual(320);
    expect(Math.abs(served.width / served.height - 9 / 16)).toBeLessThan(0.02);
  });

  it("should refuse a script that does not fit the schema, naming the field", async () => {
    const id = uniqueId();
    const download = await json<Download>(await postJson("/api/v1/download", { url: `https://www.tiktok.com/@studio/video/${id}` }));
    const res = await postJson("/api/v1/edit", {
      video_path: download.file_path,
      script: { version: 1, source: { durationSeconds: 2, width: 320, height: 568 }, output: { aspect: "source" }, audio: { normalize: false }, segments: [{ start: 0, end: 1 }, { start: 1.5, end: 1.5 }] },
      output_filename: "bad.mp4",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, error: expect.stringContaining("script.segments[1].end must be after start") });
  });
});

describe("studio process (seed 003)", () => {
  it("should download, script and edit a URL in one request, fetching the source once", async () => {
    const id = uniqueId();
    const url = `https://www.tiktok.com/@studio/video/${id}`;
    const body = await json<ProcessAnswer>(await postJson("/api/v1/process", { url, num_frames: 3 }));
    expect(body.success).toBe(true);
    expect(body.download).toMatchObject({ success: true, file_path: `/api/v1/video/tiktok-${id}.mp4`, from_cache: false });
    expect(editScriptSchema.safeParse(body.script).success).toBe(true);
    expect(body.script.frames).toHaveLength(3);
    expect(body.edit.output_path).toBe(`/api/v1/video/tiktok-${id}-edited.mp4`);
    expect(body.processing_time).toBeGreaterThan(0);
    const served = await servedVideo(body.edit.output_path);
    expect(served.bytes.byteLength).toBe(body.edit.file_size);
    expect(Math.abs(served.duration - body.edit.duration)).toBeLessThan(0.1);
    const scripted = body.script.segments.reduce((sum, s) => sum + (s.end - s.start) / s.speed, 0);
    expect(Math.abs(served.duration - scripted)).toBeLessThan(0.15);
    expect((await fixtureHits())[`/tiktok/@studio/video/${id}`]).toBe(1);

    // A repeat answers the finished task.
    expect(await json<ProcessAnswer>(await postJson("/api/v1/process", { url, num_frames: 3 }))).toEqual(body);
    expect((await fixtureHits())[`/tiktok/@studio/video/${id}`]).toBe(1);
  });
});
