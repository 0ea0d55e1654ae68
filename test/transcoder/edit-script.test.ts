/**
 * The edit script shared by the Worker and the transcoder: what the schema accepts and how it words a
 * refusal, its JSON Schema, and the pure builder that turns an analysis into a script.
 */
import { describe, expect, it } from "vitest";
import {
  type EditScriptInput,
  editScriptJsonSchema,
  editScriptSchema,
  scriptFromAnalysis,
  scriptProblems,
} from "../../protocol/edit-script.ts";
import type { AnalyzeResult } from "../../protocol/media-analysis.ts";

const valid: EditScriptInput = {
  version: 1,
  source: { durationSeconds: 10, width: 1280, height: 720 },
  output: { aspect: "9:16" },
  segments: [{ start: 0, end: 2 }, { start: 3, end: 5, speed: 2, text: { content: "hi" } }, { start: 5, end: 10, fadeOut: 1 }],
  audio: { normalize: true },
};

const problems = (overrides: Partial<EditScriptInput>): string[] => {
  const parsed = editScriptSchema.safeParse({ ...valid, ...overrides });
  return parsed.success ? [] : scriptProblems(parsed.error);
};

describe("editScriptSchema", () => {
  it("should accept a script and fill in speed 1 and text position bottom", () => {
    const script = editScriptSchema.parse(valid);
    expect(script.segments.map((s) => s.speed)).toEqual([1, 2, 1]);
    expect(script.segments[1]!.text).toEqual({ content: "hi", position: "bottom" });
  });

  it.each([
    ["an end before its start", { segments: [{ start: 0, end: 1 }, { start: 1, end: 2 }, { start: 4, end: 3 }] }, "segments[2].end must be after start"],
    ["an end equal to its start", { segments: [{ start: 1, end: 1 }] }, "segments[0].end must be after start"],
    ["an end past the source", { segments: [{ start: 8, end: 10.5 }] }, "segments[0].end (10.5) is past the end of the source (10 s)"],
    ["overlap", { segments: [{ start: 0, end: 3 }, { start: 2, end: 4 }] }, "segments[1].start (2) must not be before segments[0].end (3): segments are ordered and do not overlap"],
    ["segments out of order", { segments: [{ start: 5, end: 6 }, { start: 0, end: 1 }] }, "segments[1].start (0) must not be before segments[0].end (6)"],
    ["speed 0.2", { segments: [{ start: 0, end: 1, speed: 0.2 }] }, "segments[0].speed: Too small"],
    ["speed 4.5", { segments: [{ start: 0, end: 1, speed: 4.5 }] }, "segments[0].speed: Too big"],
    ["201 characters of text", { segments: [{ start: 0, end: 1, text: { content: "a".repeat(201) } }] }, "segments[0].text.content: Too big"],
    ["an unknown text position", { segments: [{ start: 0, end: 1, text: { content: "a", position: "left" } }] } as unknown as Partial<EditScriptInput>, "segments[0].text.position: Invalid option"],
    ["text ending before it starts", { segments: [{ start: 0, end: 4, text: { content: "a", start: 2, end: 1 } }] }, "segments[0].text.end must be after text.start"],
    ["text starting after the segment", { segments: [{ start: 0, end: 4, text: { content: "a", start: 5 } }] }, "segments[0].text.start (5) must be inside the segment (4 s long)"],
    ["fades longer than the sped-up segment", { segments: [{ start: 0, end: 2, speed: 4, fadeIn: 0.3, fadeOut: 0.3 }] }, "segments[0].fadeIn + fadeOut (0.6 s) is longer than the rendered segment (0.5 s)"],
    ["no segments", { segments: [] }, "segments: Too small"],
    ["101 segments", { source: { durationSeconds: 1000, width: 640, height: 360 }, segments: Array.from({ length: 101 }, (_, i) => ({ start: i, end: i + 0.5 })) }, "segments: Too big"],
    ["another aspect", { output: { aspect: "1:1" } } as unknown as Partial<EditScriptInput>, "output.aspect: Invalid option"],
    ["version 2", { version: 2 } as unknown as Partial<EditScriptInput>, "version: Invalid input"],
  ])("should refuse %s, naming the field", (_what, overrides, says) => {
    expect(problems(overrides).join("\n")).toContain(says);
  });

  it("should publish a JSON Schema with the same bounds", () => {
    const schema = editScriptJsonSchema() as {
      $schema: string;
      required: string[];
      properties: { segments: { minItems: number; maxItems: number; items: { required: string[]; properties: { speed: { minimum: number; maximum: number } } } } };
    };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(["version", "source", "output", "segments", "audio"]);
    expect(schema.properties.segments).toMatchObject({ minItems: 1, maxItems: 100, items: { required: ["start", "end"], properties: { speed: { minimum: 0.25, maximum: 4 } } } });
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

/** 20 s landscape: cuts at 5 s and 12 s (and a weak one 0.2 s after it), a 2 s and a 0.5 s silence, quiet. */
const analysis: AnalyzeResult = {
  durationSeconds: 20,
  width: 1280,
  height: 720,
  frameRate: 30,
  hasAudio: true,
  frames: [{ name: "frame-000.jpg", time: 5 }, { name: "frame-001.jpg", time: 15 }],
  scenes: [{ time: 5, score: 0.8 }, { time: 12, score: 0.6 }, { time: 12.2, score: 0.4 }],
  silences: [{ start: 8, end: 10 }, { start: 15, end: 15.5 }],
  loudness: { integrated: -25, range: 4, truePeak: -9 },
};

describe("scriptFromAnalysis", () => {
  it("should cut at scenes, trim the long silence, crop a landscape source to 9:16, normalise, fade and caption", () => {
    const script = scriptFromAnalysis(analysis, { caption: "A cat on a sofa", title: "Cat", frameUrls: ["https://x.test/0.jpg", "https://x.test/1.jpg"] });
    expect(script).toEqual({
      version: 1,
      source: { durationSeconds: 20, width: 1280, height: 720 },
      output: { aspect: "9:16" },
      segments: [
        { start: 0, end: 5, speed: 1, fadeIn: 0.5, text: { content: "A cat on a sofa", position: "top", start: 0, end: 4 } },
        // The 2 s silence is cut out, 0.1 s kept at each side; the 0.5 s one stays.
        { start: 5, end: 8.1, speed: 1 },
        { start: 9.9, end: 12, speed: 1 },
        // 12.2 s is too close to the cut at 12 s to make a segment of its own.
        { start: 12, end: 20, speed: 1, fadeOut: 0.5 },
      ],
      audio: { normalize: true },
      title: "Cat",
      frames: [{ time: 5, url: "https://x.test/0.jpg" }, { time: 15, url: "https://x.test/1.jpg" }],
    });
    expect(editScriptSchema.parse(script)).toEqual(script);
  });

  it("should give the same script for the same analysis, whatever order the scenes come in", () => {
    const shuffled = { ...analysis, scenes: [...analysis.scenes].reverse(), silences: [...analysis.silences].reverse() };
    expect(scriptFromAnalysis(shuffled, { title: "Cat" })).toEqual(scriptFromAnalysis(analysis, { title: "Cat" }));
  });

  it("should keep a portrait source's aspect and leave loudness near −14 LUFS alone", () => {
    const script = scriptFromAnalysis({ ...analysis, width: 720, height: 1280, loudness: { integrated: -15.2, range: 3, truePeak: -1 } });
    expect(script.output).toEqual({ aspect: "source" });
    expect(script.audio).toEqual({ normalize: false });
    expect(script.title).toBeUndefined();
    expect(script.frames).toBeUndefined();
    expect(script.segments.some((s) => s.text)).toBe(false);
  });

  it("should not normalise a video without loudness (no audio)", () => {
    const { loudness: _, ...silent } = analysis;
    expect(scriptFromAnalysis({ ...silent, hasAudio: false, silences: [] }).audio).toEqual({ normalize: false });
  });

  it("should keep a clip that is silent throughout whole, as one valid segment", () => {
    const script = scriptFromAnalysis({ ...analysis, durationSeconds: 3.3333, scenes: [], silences: [{ start: 0, end: 3.3333 }] });
    // Times are kept to the millisecond, never past the source's end.
    expect(script.segments).toEqual([{ start: 0, end: 3.333, speed: 1, fadeIn: 0.5, fadeOut: 0.5 }]);
    expect(editScriptSchema.safeParse(script).success).toBe(true);
  });

  it("should stop at 100 segments, keeping the strongest cuts", () => {
    const scenes = Array.from({ length: 150 }, (_, i) => ({ time: i + 1, score: i % 2 === 0 ? 0.9 : 0.35 }));
    const script = scriptFromAnalysis({ ...analysis, durationSeconds: 151, scenes, silences: [] });
    expect(script.segments).toHaveLength(100);
    // The 75 strong cuts (odd seconds) are all made before any weak one.
    const cuts = new Set(script.segments.slice(1).map((s) => s.start));
    expect(scenes.filter((s) => s.score === 0.9).every((s) => cuts.has(s.time))).toBe(true);
    expect(editScriptSchema.safeParse(script).success).toBe(true);
  });

  it("should cut the overlay to 200 characters", () => {
    const script = scriptFromAnalysis(analysis, { caption: "word ".repeat(100) });
    expect(script.segments[0]!.text!.content.length).toBeLessThanOrEqual(200);
    expect(editScriptSchema.safeParse(script).success).toBe(true);
  });
});
