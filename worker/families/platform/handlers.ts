import { createApiKey, listApiKeys, revokeApiKey } from "../../auth/api-keys";
import { requireCaller } from "../../auth/context";
import { approveUser as approve, listUsersByStatus } from "../../auth/users";
import type { AppRouteHandler } from "../../lib/create-app";
import { AppError } from "../../lib/errors";
import { getConfig } from "../../env";
import { serveFile } from "../../media/serve";
import { isValidBlobName, verifyBlobGrant } from "../../media/signed-urls";
import { putStream } from "../../media/store";
import { listTasks as list } from "../../tasks/engine";
import type * as R from "./routes";

export const blobPut: AppRouteHandler<R.BlobPutRoute> = async (c) => {
  const { token, name } = c.req.valid("param");
  const check = await verifyBlobGrant(getConfig(c.env).BLOB_SIGNING_SECRET, token);
  if (!check.ok || check.grant.m !== "PUT") throw new AppError(403, "upload not permitted");
  if (!isValidBlobName(name) || (check.grant.n && check.grant.n !== name)) throw new AppError(400, "invalid object name");
  const body = c.req.raw.body;
  if (!body) throw new AppError(400, "empty body");
  const lengthHeader = c.req.header("Content-Length");
  const length = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const stored = await putStream(c.env.MEDIA, `${check.grant.p}/${name}`, body, {
    contentType: c.req.header("Content-Type") ?? "application/octet-stream",
    length,
    maxBytes: check.grant.s ?? getConfig(c.env).MAX_MEDIA_BYTES,
  });
  return c.json({ key: stored.key, size: stored.size }, 201);
};

export const blobGet: AppRouteHandler<R.BlobGetRoute> = async (c) => {
  const { token, name } = c.req.valid("param");
  const check = await verifyBlobGrant(getConfig(c.env).BLOB_SIGNING_SECRET, token);
  if (!check.ok || check.grant.m !== "GET") throw new AppError(403, "read not permitted");
  if (!isValidBlobName(name) || (check.grant.n && check.grant.n !== name)) throw new AppError(403, "read not permitted");
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

export const approveUser: AppRouteHandler<R.ApproveUserRoute> = async (c) => {
  const { username } = c.req.valid("param");
  const user = await approve(c.env, username);
  if (!user) return c.json({ status: "error", message: "User not found." }, 404);
  return c.json({ status: "success", message: `User ${user.username} approved.` }, 200);
};

export const listPendingUsers: AppRouteHandler<R.ListPendingUsersRoute> = async (c) => {
  const rows = await listUsersByStatus(c.env, "pending");
  return c.json(
    { status: "success" as const, users: rows.map((u) => ({ username: u.username, email: u.email, created_at: u.createdAt.toISOString() })) },
    200,
  );
};

export const listTasks: AppRouteHandler<R.ListTasksRoute> = async (c) => {
  const query = c.req.valid("query");
  const rows = await list(c.env, query);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return c.json(
    {
      status: "success" as const,
      tasks: rows.map((t) => ({
        id: t.id,
        kind: t.kind,
        family: t.family,
        priority: t.priority,
        status: t.status,
        attempts: t.attempts,
        max_retries: t.maxRetries,
        progress: t.progress,
        error_code: t.errorCode,
        error_message: t.errorMessage,
        created_at: t.createdAt.toISOString(),
        updated_at: t.updatedAt.toISOString(),
        finished_at: iso(t.finishedAt),
      })),
    },
    200,
  );
};

const keyView = (k: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  created_at: k.createdAt.toISOString(),
  last_used_at: k.lastUsedAt?.toISOString() ?? null,
  revoked_at: k.revokedAt?.toISOString() ?? null,
});

export const createKey: AppRouteHandler<R.CreateKeyRoute> = async (c) => {
  const { userId } = requireCaller(c.get("auth"));
  const { row, key } = await createApiKey(c.env, userId, c.req.valid("json").name);
  return c.json({ status: "success" as const, key, ...keyView(row) }, 201);
};

export const listKeys: AppRouteHandler<R.ListKeysRoute> = async (c) => {
  const { userId } = requireCaller(c.get("auth"));
  const rows = await listApiKeys(c.env, userId);
  return c.json({ status: "success" as const, keys: rows.map(keyView) }, 200);
};

export const revokeKey: AppRouteHandler<R.RevokeKeyRoute> = async (c) => {
  const { userId } = requireCaller(c.get("auth"));
  const done = await revokeApiKey(c.env, userId, c.req.valid("param").key_id);
  if (!done) return c.json({ status: "error", message: "API key not found." }, 404);
  return c.json({ status: "success", message: "API key revoked." }, 200);
};
