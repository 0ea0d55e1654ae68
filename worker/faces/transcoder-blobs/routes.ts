/**
 * The transcoder's side door into R2: signed, expiring, size-capped URLs (see worker/media/signed-urls.ts).
 * No seed documents these; only the transcoder receives such URLs.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { CONTENT_CRC32_HEADER } from "../../../protocol/transcoder";
import { errorResponses, fastApiErrors } from "../../lib/error-format";
import { binary, json } from "../../lib/openapi";
import { streamingBody } from "../../media/upload-route";

const BlobParams = z.object({
  token: z.string().max(2000).openapi({ param: { name: "token", in: "path" } }),
  name: z.string().max(200).openapi({ param: { name: "name", in: "path" } }),
});

export const blobPut = createRoute({
  ...streamingBody,
  method: "put",
  path: "/internal/blobs/{token}/{name}",
  tags: ["Internal"],
  summary: "Transcoder output upload (signed URL)",
  description:
    "Streams the body into R2 under the prefix the token grants. Only the transcoder receives such URLs; the token is " +
    "HMAC-signed, expires, and caps the size. Content-Length is required up to the cap; chunked bodies are counted as they stream. " +
    `With ${CONTENT_CRC32_HEADER} (8 hex digits) the stored bytes are checked against it (422 on a mismatch, nothing kept) and the ` +
    "checksum is kept with the object.",
  request: {
    params: BlobParams,
    headers: z.object({
      [CONTENT_CRC32_HEADER.toLowerCase()]: z
        .string()
        .regex(/^[0-9a-fA-F]{8}$/, "8 hex digits")
        .optional()
        .openapi({ description: "CRC-32 of the body, as 8 hex digits" }),
    }),
  },
  responses: {
    201: json(z.object({ key: z.string(), size: z.number().int() }), "Stored"),
    ...errorResponses(fastApiErrors, { 400: "Bad name" }),
    ...errorResponses(fastApiErrors, { 403: "Token invalid, expired, or not for this method" }),
    ...errorResponses(fastApiErrors, { 413: "Over the granted size" }),
    ...errorResponses(fastApiErrors, { 422: `Malformed ${CONTENT_CRC32_HEADER}, or the body does not match it` }),
  },
});

export const blobGet = createRoute({
  method: "get",
  path: "/internal/blobs/{token}/{name}",
  tags: ["Internal"],
  summary: "Transcoder input read (signed URL)",
  request: { params: BlobParams },
  responses: {
    200: binary(["application/octet-stream"], "The object"),
    206: { description: "A byte range" },
    ...errorResponses(fastApiErrors, { 403: "Token invalid or expired" }),
    ...errorResponses(fastApiErrors, { 404: "No such object" }),
    416: { description: "Range not satisfiable" },
  },
});

export type BlobPutRoute = typeof blobPut;
export type BlobGetRoute = typeof blobGet;
