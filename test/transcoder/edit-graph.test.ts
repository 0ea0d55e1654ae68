/**
 * The pure parts of rendering an edit: output frame sizes, atempo chains, overlay wrapping, and the
 * filtergraph quoting, the last proven by real ffmpeg writing into a directory named to break it.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { atempoChain, outputFrameSize, wrapText } from "../../containers/transcoder/src/lib/edit-graph.ts";
import { filterValue } from "../../containers/transcoder/src/lib/filter-escape.ts";

describe("outputFrameSize", () => {
  it.each([
    ["9:16", 1920, 1080, {}, [606, 1080]],
    ["9:16", 3840, 2160, {}, [1080, 1920]],
    ["9:16", 640, 360, {}, [202, 360]],
    ["9:16", 1080, 1920, {}, [1080, 1920]],
    ["9:16", 720, 1280, { height: 640 }, [360, 640]],
    ["9:16", 1920, 1080, { width: 360 }, [360, 640]],
    ["source", 3840, 2160, {}, [1920, 1080]],
    ["source", 640, 360, {}, [640, 360]],
    ["source", 640, 360, { width: 320 }, [320, 180]],
    ["source", 638, 359, {}, [638, 358]],
  ] as const)("should make %s of %ix%i with caps %o %o, never upscaled", (aspect, width, height, caps, expected) => {
    const size = outputFrameSize({ aspect, ...caps }, { width, height });
    expect([size.width, size.height]).toEqual(expected);
    if (aspect === "9:16") expect(Math.abs(size.width / size.height - 9 / 16)).toBeLessThan(0.01);
  });
});

describe("atempoChain", () => {
  it.each([
    [2, [2]],
    [4, [2, 2]],
    [3, [2, 1.5]],
    [0.5, [0.5]],
    [0.25, [0.5, 0.5]],
    [0.3, [0.5, 0.6]],
  ])("should play %f as atempo factors %o, each within 0.5–2", (speed, chain) => {
    const factors = atempoChain(speed);
    expect(factors.map((f) => Math.round(f * 1e9) / 1e9)).toEqual(chain);
    expect(factors.every((f) => f >= 0.5 && f <= 2)).toBe(true);
  });
});

describe("wrapText", () => {
  it("should wrap at word boundaries and split a word longer than a line", () => {
    expect(wrapText("the quick brown fox jumps", 10)).toBe("the quick\nbrown fox\njumps");
    expect(wrapText("abcdefghijklmnop", 6)).toBe("abcdef\nghijkl\nmnop");
  });
});

describe("filterValue", () => {
  it("should let ffmpeg write to a path made of every filtergraph special character", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "filter-escape-"));
    try {
      const dir = path.join(root, "a:b,c;d[e]f'g\\h");
      await mkdir(dir);
      const file = path.join(dir, "meta.txt");
      await promisify(execFile)("ffmpeg", [
        "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5:duration=1",
        "-filter_complex", `[0:v]metadata=mode=add:key=k:value=v,metadata=mode=print:file=${filterValue(file)}[out]`,
        "-map", "[out]", "-f", "null", "-",
      ]);
      expect(await readFile(file, "utf8")).toContain("k=v");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
