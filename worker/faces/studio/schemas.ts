/** Seed 003's request and response bodies shared by the studio's routes. */
import { z } from "@hono/zod-openapi";

/** Opaque file paths as the API hands them out (see files.ts). */
export const FilePath = z
  .string()
  .min(1)
  .max(300)
  .openapi({ example: "/api/v1/video/tiktok-7234567890123456789.mp4", description: "A `file_path` this API returned (or the bare file name)." });

export const TikTokUrl = z.string().max(2048).openapi({ example: "https://www.tiktok.com/@user/video/7234567890123456789" });

export const Health = z
  .object({
    status: z.literal("healthy"),
    timestamp: z.string().openapi({ example: "2024-01-01T12:00:00.000Z" }),
    version: z.string().openapi({ example: "3.0" }),
  })
  .openapi("StudioHealth");

export const DownloadRequest = z.object({ url: TikTokUrl }).openapi("StudioDownloadRequest");

export const DownloadResponse = z
  .object({
    success: z.literal(true),
    file_path: FilePath,
    file_size: z.number().int().nonnegative().openapi({ example: 1024000 }),
    duration: z.number().nonnegative().openapi({ example: 15.3 }),
    from_cache: z.boolean(),
  })
  .openapi("StudioDownloadResponse");

export const VideoParams = z.object({
  filename: z.string().openapi({ param: { name: "filename", in: "path" }, example: "edited.mp4" }),
});
