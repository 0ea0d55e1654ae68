/**
 * Workers AI for the studio's scripts, against the local fake of its REST API: the client's request and
 * envelope handling, its typed errors, and the script with captions and a title when configured — and the
 * same deterministic script without them when it is not configured or fails.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AnalysisResult } from "../../../../worker/faces/studio/script/media-ops";
import { buildStudioScript, frameName } from "../../../../worker/faces/studio/script/generate";
import {
  CAPTION_MODEL,
  captionImage,
  suggestTitle,
  TITLE_MODEL,
  WorkersAiError,
  workersAiFromEnv,
} from "../../../../worker/integrations/workers-ai";
import { registerFile } from "../../../../worker/media/store";
import type { FileRow } from "../../../../worker/db/schema";
import { fakeCaption } from "../../../fakes/workers-ai";
import { newFakeAiAccount } from "../../integrations/fake-workers-ai";

const JPEG = (seed: number) => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, seed, seed + 1, seed + 2, 0xff, 0xd9]);

async function storedFrames(count: number): Promise<{ result: AnalysisResult; files: Map<string, FileRow> }> {
  const prefix = `tasks/${crypto.randomUUID()}/a1`;
  const files = new Map<string, FileRow>();
  const frames: AnalysisResult["frames"] = [];
  for (let i = 0; i < count; i++) {
    const key = `${prefix}/frame-${String(i).padStart(3, "0")}.jpg`;
    const put = await env.MEDIA.put(key, JPEG(i * 16), { httpMetadata: { contentType: "image/jpeg" } });
    const file = await registerFile(env, { key, size: put!.size, contentType: "image/jpeg", etag: put!.httpEtag });
    files.set(file.id, file);
    frames.push({ fileId: file.id, time: i * 2 });
  }
  return {
    files,
    result: {
      analysis: {
        durationSeconds: count * 2,
        width: 720,
        height: 1280,
        frameRate: 30,
        hasAudio: true,
        frames: frames.map((f, i) => ({ name: `frame-${String(i).padStart(3, "0")}.jpg`, time: f.time })),
        scenes: [{ time: 2, score: 0.6 }],
        silences: [],
        loudness: { integrated: -23, range: 5, truePeak: -2 },
      },
      frames,
    },
  };
}

describe("Workers AI client", () => {
  it("should be off unless both the account id and the token are set", () => {
    expect(workersAiFromEnv({})).toBeUndefined();
    expect(workersAiFromEnv({ WORKERS_AI_ACCOUNT_ID: "a" })).toBeUndefined();
    expect(workersAiFromEnv({ WORKERS_AI_ACCOUNT_ID: "a", WORKERS_AI_API_TOKEN: " " })).toBeUndefined();
    expect(workersAiFromEnv({ WORKERS_AI_ACCOUNT_ID: "a", WORKERS_AI_API_TOKEN: "t" })?.baseUrl).toBe("https://api.cloudflare.com/client/v4");
  });

  it("should send the image as bytes with a Bearer token and read the description from the envelope", async () => {
    const account = await newFakeAiAccount();
    const ai = workersAiFromEnv(account.settings)!;
    const image = JPEG(7);
    expect(await captionImage(ai, image)).toBe(fakeCaption([...image]));
    const title = await suggestTitle(ai, ["a cat", "a dog"]);
    // Quotes and the trailing period the model adds are not part of the title.
    expect(title).toBe("A video in 2 scenes");
    const { requests } = await account.state();
    expect(requests.map((r) => r.model)).toEqual([CAPTION_MODEL, TITLE_MODEL]);
    expect(requests[0]!.imageBytes).toBe(image.length);
    expect(requests[1]!.messages?.at(-1)?.content).toContain("1. a cat\n2. a dog");
  });

  it("should fail with typed errors: wrong token, an error envelope, a result of the wrong shape, a timeout", async () => {
    const account = await newFakeAiAccount();
    const ai = workersAiFromEnv(account.settings)!;
    const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as WorkersAiError);

    const unauthorized = await failure(captionImage({ ...ai, apiToken: "wrong" }, JPEG(1)));
    expect(unauthorized).toBeInstanceOf(WorkersAiError);
    expect(unauthorized).toMatchObject({ status: 401, reason: "http" });

    await account.fault({ model: CAPTION_MODEL, status: 429 });
    expect(await failure(captionImage(ai, JPEG(1)))).toMatchObject({ status: 429, reason: "http", message: expect.stringContaining("Capacity temporarily exceeded") });

    await account.fault({ model: CAPTION_MODEL, status: 200 });
    expect(await failure(captionImage(ai, JPEG(1)))).toMatchObject({ status: 200, reason: "envelope" });

    await account.fault({ model: TITLE_MODEL, badResult: true });
    expect(await failure(suggestTitle(ai, ["x"]))).toMatchObject({ reason: "output" });

    await account.fault({ model: CAPTION_MODEL, delayMs: 1500 });
    expect(await failure(captionImage({ ...ai, timeoutMs: 200 }, JPEG(1)))).toMatchObject({ status: 0, reason: "timeout" });
  });
});

describe("script with Workers AI", () => {
  it("should caption each frame and title the script when configured", async () => {
    const account = await newFakeAiAccount();
    const { result, files } = await storedFrames(3);
    const body = await buildStudioScript({ ...env, ...account.settings }, "tiktok-ai1.mp4", result, files, null);
    expect(body.frames.map((f) => f.caption)).toEqual([0, 1, 2].map((i) => fakeCaption([...JPEG(i * 16)])));
    expect(body.script.title).toBe("A video in 3 scenes");
    expect(body.script.segments[0]!.text?.content).toBe("A video in 3 scenes");
    const { requests } = await account.state();
    expect(requests.filter((r) => r.model === CAPTION_MODEL)).toHaveLength(3);
  });

  it("should give the same script without captions when AI is off or fails", async () => {
    const { result, files } = await storedFrames(2);
    const plain = await buildStudioScript(env, "tiktok-ai2.mp4", result, files, null);
    expect(plain.frames.every((f) => f.caption === undefined)).toBe(true);
    expect(plain.script.title).toBeUndefined();
    expect(plain.script.frames?.map((f) => f.url)).toEqual([0, 1].map((i) => `http://127.0.0.1:8787/api/v1/video/${frameName("tiktok-ai2.mp4", i, 2)}`));
    expect(await buildStudioScript(env, "tiktok-ai2.mp4", result, files, null)).toEqual(plain);

    const account = await newFakeAiAccount();
    await account.fault({ status: 500, times: 10 });
    const failed = await buildStudioScript({ ...env, ...account.settings }, "tiktok-ai2.mp4", result, files, null);
    expect(failed).toEqual(plain);
  });
});
