import { CONTENT_CRC32_HEADER } from "../../../protocol/transcoder";
import type { AppRouteHandler } from "../../lib/app-context";
import { AppError } from "../../lib/errors";
import { getConfig } from "../../env";
import { serveFile } from "../../media/serve";
import { isPublicName } from "../../media/names";
import { verifyBlobGrant } from "../../media/signed-urls";
import { putStream } from "../../media/store";
import { runIsLive } from "../../tasks/engine";
import type * as R from "./routes";

export const blobPut: AppRouteHandler<R.BlobPutRoute> = async (c) => {
  const { token, name } = c.req.valid("param");
  const declaredCrc32 = c.req.valid("header")[CONTENT_CRC32_HEADER.toLowerCase()];
  const check = await verifyBlobGrant(getConfig(c.env).BLOB_SIGNING_SECRET, token);
  if (!check.ok || check.grant.m !== "PUT") throw new AppError(403, "upload not permitted");
  if (!isPublicName(name) || (check.grant.n && check.grant.n !== name)) throw new AppError(400, "invalid object name");
  const body = c.req.raw.body;
  if (!body) throw new AppError(400, "empty body");
  const lengthHeader = c.req.header("Content-Length");
  const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const stored = await putStream(c.env.MEDIA, `${check.grant.p}/${name}`, body, {
    contentType: c.req.header("Content-Type") ?? "application/octet-stream",
    length,
    maxBytes: check.grant.s ?? getConfig(c.env).MAX_MEDIA_BYTES,
    ...(declaredCrc32 === undefined ? {} : { expectedCrc32: Number.parseInt(declaredCrc32, 16) }),
  });
  // Checked after the write, not before: a run stopped while the body streamed in would otherwise slip through.
  const run = check.grant.r;
  if (run && !(await runIsLive(c.env, { taskId: run.t, leaseToken: run.l }))) {
    await c.env.MEDIA.delete(stored.key);
    throw new AppError(409, "the task run this upload belongs to has ended", "task.run_ended");
  }
  return c.json({ key: stored.key, size: stored.size }, 201);
};

export const blobGet: AppRouteHandler<R.BlobGetRoute> = async (c) => {
  const { token, name } = c.req.valid("param");
  const check = await verifyBlobGrant(getConfig(c.env).BLOB_SIGNING_SECRET, token);
  if (!check.ok || check.grant.m !== "GET") throw new AppError(403, "read not permitted");
  if (!isPublicName(name) || (check.grant.n && check.grant.n !== name)) throw new AppError(403, "read not permitted");
  const key = `${check.grant.p}/${name}`;
  const head = await c.env.MEDIA.head(key);
  if (!head) throw new AppError(404, "no such object");
  const res = await serveFile(
    c.env.MEDIA,
    {
      r2Key: key,
      size: head.size,
      contentType: head.httpMetadata?.contentType ?? "application/octet-stream",
      etag: head.httpEtag,
      createdAt: head.uploaded,
    },
    { method: c.req.method, range: c.req.header("Range") },
  );
  if (!res) throw new AppError(404, "no such object");
  return res;
};

