import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, fetchBody, operationHeaders, postOperation, startStack } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe("transcoder server", () => {
  it("should report ffmpeg and yt-dlp versions on /healthz", async () => {
    const res = await fetch(`${stack.transcoder.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; ffmpeg: string; ytDlp: string };
    expect(body.ok).toBe(true);
    expect(body.ffmpeg).toMatch(/^\d+\.\d+/);
    expect(body.ytDlp).toMatch(/^\d{4}\.\d{2}\.\d{2}/);
  });

  it("should answer 404 for unknown paths and 405 for wrong methods", async () => {
    expect((await fetch(`${stack.transcoder.url}/v2/nothing`)).status).toBe(404);
    const wrong = await fetch(`${stack.transcoder.url}/v1/fetch`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});

describe("bearer token (TRANSCODER_TOKEN)", () => {
  let secured: Stack;
  beforeAll(async () => {
    secured = await startStack({ token: "s3cret-token" });
  });
  afterAll(() => secured?.close());

  const post = (authorization?: string) =>
    postOperation(
      secured,
      "fetch",
      fetchBody(secured, { service: "tiktok", url: `${secured.fixture.origin}/tiktok/@gone/video/1`, select: { kind: "video" } }, "/up/auth"),
      { headers: operationHeaders(authorization ? { authorization } : {}) },
    );

  it.each([undefined, "Bearer wrong", "Basic czNjcmV0LXRva2Vu", "Bearer s3cret-token-and-more"])(
    "should answer 401 to Authorization %s",
    async (authorization) => {
      const res = await post(authorization);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "input.invalid" } });
    },
  );

  it("should run the operation with the right token", async () => {
    const res = await post("Bearer s3cret-token");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"code":"source.unavailable"');
  });

  it("should keep /healthz open for orchestration checks", async () => {
    expect((await fetch(`${secured.transcoder.url}/healthz`)).status).toBe(200);
  });
});
