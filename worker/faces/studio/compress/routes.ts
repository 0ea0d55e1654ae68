/** Seed 003's `POST /api/v1/compress`: a studio file to a target size (two-pass H.264). */
import { createRoute, z } from "@hono/zod-openapi";
import { json, jsonBody } from "../../../lib/openapi";
import { studioErrorResponses, STUDIO_TAGS } from "../routes";
import { FilePath } from "../schemas";

const Quality = z.enum(["low", "medium", "high"]).openapi({ description: "Audio bit rate and encoder effort; the size is the target either way." });

export const CompressRequest = z
  .object({
    input_path: FilePath,
    // 0.01 MB is the transcoder's smallest target; the upper bound is the media size limit (checked per deployment).
    target_size_mb: z.number().min(0.01).max(8000).openapi({ example: 50, description: "Decimal megabytes (10^6 bytes)." }),
    quality: Quality.default("medium"),
  })
  .openapi("StudioCompressRequest");

export const CompressResponse = z
  .object({
    success: z.literal(true),
    output_path: FilePath,
    file_size: z.number().int().positive().openapi({ example: 48_700_000, description: "Bytes of the compressed file." }),
    original_size: z.number().int().nonnegative().openapi({ example: 120_000_000, description: "Bytes of the input file." }),
    target_size_mb: z.number().openapi({ example: 50 }),
    ratio: z.number().positive().openapi({ example: 0.974, description: "file_size ÷ the target in bytes: 0.90–1.00." }),
    duration: z.number().nonnegative().openapi({ example: 15.3, description: "Seconds." }),
    quality: Quality,
  })
  .openapi("StudioCompressResponse");

export const compress = createRoute({
  method: "post",
  path: "/api/v1/compress",
  tags: STUDIO_TAGS,
  summary: "Compress a video to a target size",
  description: [
    "Re-encodes a studio file (`input_path`, a `file_path` this API returned) with two-pass H.264 so that the output",
    "lands at 90–100 % of `target_size_mb` (audio and container included), and returns its `output_path`",
    "(`<input name>-<target>mb-<quality>.mp4`, owned as the input is). The same file, target and quality is one",
    "compression: a repeat (or a concurrent request) answers from it without encoding again. A target below what the",
    "video's duration allows is a 400 whose message states the smallest possible size.",
  ].join(" "),
  request: jsonBody(CompressRequest),
  responses: {
    200: json(CompressResponse, "The compressed file"),
    ...studioErrorResponses({
      400: "Missing or malformed body, input_path not a file_path of this API, a quality other than low/medium/high, a target ≤ 0 or over the size limit, a target below the smallest possible size (stated), or an input that is not a video",
      404: "No such file (or another account's), or it is no longer stored",
      413: "The compressed video exceeds the size limit",
      504: "The compression did not finish in time; repeating the request joins it",
    }),
  },
});

export type CompressRoute = typeof compress;
