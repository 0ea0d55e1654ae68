/**
 * The transcoder's side door into R2: signed, expiring, size-capped URLs (see worker/media/signed-urls.ts).
 * No seed documents these; only the transcoder receives such URLs.
 */
import { createRoute, z } from "@hono/zod-openapi";
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
    "HMAC-signed, expires, and caps the size. Content-Length is required up to the cap; chunked bodies are counted as they stream.",
  request: { params: BlobParams },
  responses: {
    201: json(z.object({ key: z.string(), size: z.number().int() }), "Stored"),
    ...errorResponses(fastApiErrors, { 400: "Bad name" }),
    ...errorResponses(fastApiErrors, { 403: "Token invalid, expired, or not for this method" }),
    ...errorResponses(fastApiErrors, { 413: "Over the granted size" }),
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
