import { env } from "cloudflare:workers";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { multipartBody, streamingBody, streamsBody } from "../../../worker/media/upload-route";
import { readMultipart, type MultipartSpec } from "../../../worker/media/uploads";
import { generatedFile, MP4_HEAD, multipartContentType, multipartStream } from "../../support/multipart-body";

const REEL: MultipartSpec<"file", "en_title"> = {
  files: { file: { maxCount: 1, maxBytes: 10 * 1024 * 1024, accept: ["video"], required: true, description: "the reel" } },
  text: { en_title: { maxLength: 100, description: "English title" } },
};

const ok = { 200: { description: "stored", content: { "application/json": { schema: z.object({ size: z.number() }) } } } };

const streamed = createRoute({ method: "post", path: "/reels/upload", request: multipartBody(REEL), ...streamingBody, responses: ok });

/** The same body declared the usual way, with a zod schema: @hono/zod-openapi then validates it as a form. */
const buffered = createRoute({
  method: "post",
  path: "/reels/buffered",
  request: { body: { required: true, content: { "multipart/form-data": { schema: z.object({ en_title: z.string().optional() }) } } } },
  responses: ok,
});

function buildApp() {
  const app = new OpenAPIHono<{ Bindings: Env }>();
  app.openapi(streamed, async (c) => {
    // Untouched until here: nothing before the handler read or locked it.
    if (c.req.raw.bodyUsed || c.req.raw.body?.locked) return c.json({ size: -1 }, 200);
    const upload = await readMultipart(c.env, c.req.raw, REEL, { keyPrefix: "test-route/", retention: "keep" });
    return c.json({ size: upload.files[0]!.size }, 200);
  });
  app.openapi(buffered, (c) => c.json({ size: c.req.raw.bodyUsed ? -1 : 0 }, 200));
  return app;
}

const post = (app: ReturnType<typeof buildApp>, path: string, size: number) =>
  app.request(
    path,
    {
      method: "POST",
      headers: { "content-type": multipartContentType() },
      body: multipartStream([
        { name: "en_title", data: "My Reel" },
        { name: "file", filename: "reel.mp4", contentType: "video/mp4", data: generatedFile(size, MP4_HEAD) },
      ]),
      duplex: "half",
    } as RequestInit,
    env,
  );

describe("multipartBody", () => {
  it("should hand the handler an unread body that it can stream into R2", async () => {
    const res = await post(buildApp(), "/reels/upload", 2_000_003);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ size: 2_000_003 });
  });

  it("should be needed: a zod multipart schema makes the library read the body before the handler", async () => {
    const res = await post(buildApp(), "/reels/buffered", 1000);
    expect(await res.json()).toEqual({ size: -1 });
  });

  it("should document the fields, their limits and the streaming mark in the OpenAPI document", () => {
    const doc = buildApp().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
    const operation = doc.paths?.["/reels/upload"]?.post as Record<string, unknown> & { requestBody: { content: Record<string, unknown> } };
    expect(operation["x-streaming-body"]).toBe(true);
    expect(operation.requestBody.content["multipart/form-data"]).toEqual({
      schema: {
        type: "object",
        properties: {
          file: { type: "string", format: "binary", description: "the reel. video; at most 10485760 bytes each" },
          en_title: { type: "string", maxLength: 100, description: "English title" },
        },
        required: ["file"],
      },
      encoding: { file: { contentType: "video/*" } },
    });
  });

  it("should mark only the routes that stream their body", () => {
    expect(streamsBody(streamed)).toBe(true);
    expect(streamsBody(buffered)).toBe(false);
  });
});
