/**
 * Platform routes that are no seed's: the signed blob endpoint the transcoder uses, and the operations API
 * (user approval, dead-letter view) for admins.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { TASK_STATUSES } from "../../db/schema";
import { binary, json, jsonBody, StatusMessage } from "../../lib/openapi";
const Detail = z.object({ detail: z.string() }).openapi("Detail");

const BlobParams = z.object({
  token: z.string().max(2000).openapi({ param: { name: "token", in: "path" } }),
  name: z.string().max(200).openapi({ param: { name: "name", in: "path" } }),
});

export const blobPut = createRoute({
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
    400: json(Detail, "Bad name"),
    403: json(Detail, "Token invalid, expired, or not for this method"),
    413: json(Detail, "Over the granted size"),
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
    403: json(Detail, "Token invalid or expired"),
    404: json(Detail, "No such object"),
    416: { description: "Range not satisfiable" },
  },
});

export const approveUser = createRoute({
  method: "post",
  path: "/api/admin/users/{username}/approve",
  tags: ["Operations"],
  summary: "Approve a pending account (admin)",
  request: { params: z.object({ username: z.string().max(64).openapi({ param: { name: "username", in: "path" } }) }) },
  responses: {
    200: json(StatusMessage, "Approved"),
    401: json(StatusMessage, "Authentication required"),
    403: json(StatusMessage, "Admin privileges required"),
    404: json(StatusMessage, "No such user"),
  },
});

export const listPendingUsers = createRoute({
  method: "get",
  path: "/api/admin/users/pending",
  tags: ["Operations"],
  summary: "Accounts waiting for approval (admin)",
  responses: {
    200: json(
      z.object({ status: z.literal("success"), users: z.array(z.object({ username: z.string(), email: z.string(), created_at: z.string() })) }),
      "Pending accounts",
    ),
    401: json(StatusMessage, "Authentication required"),
    403: json(StatusMessage, "Admin privileges required"),
  },
});

export const TaskView = z
  .object({
    id: z.string(),
    kind: z.string(),
    family: z.string().nullable(),
    priority: z.number().int(),
    status: z.enum(TASK_STATUSES),
    attempts: z.number().int(),
    max_retries: z.number().int(),
    progress: z.number().int(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("TaskView");

export const listTasks = createRoute({
  method: "get",
  path: "/api/admin/tasks",
  tags: ["Operations"],
  summary: "Tasks by status (admin) — `status=dead` is the dead-letter view",
  request: {
    query: z.object({
      status: z.enum(TASK_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: json(z.object({ status: z.literal("success"), tasks: z.array(TaskView) }), "Tasks"),
    400: json(StatusMessage, "Invalid query"),
    401: json(StatusMessage, "Authentication required"),
    403: json(StatusMessage, "Admin privileges required"),
  },
});

export type BlobPutRoute = typeof blobPut;
export type BlobGetRoute = typeof blobGet;
export type ApproveUserRoute = typeof approveUser;
export type ListPendingUsersRoute = typeof listPendingUsers;
export type ListTasksRoute = typeof listTasks;

const keyTags = ["API keys"];
const KeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ example: "mpk_Ab12Cd34" }),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const createKey = createRoute({
  method: "post",
  path: "/api/keys",
  tags: keyTags,
  summary: "Create an API key (shown once)",
  description:
    "Creates a key for the calling user. The full key is in this response only; the platform stores a hash. Send it as " +
    "`X-API-Key: <key>` or `Authorization: Bearer <key>`. Managing keys needs a JWT (a key cannot create keys).",
  request: jsonBody(z.object({ name: z.string().min(1).max(100).openapi({ example: "archiver script" }) })),
  responses: {
    201: json(KeyView.extend({ status: z.literal("success"), key: z.string() }), "The new key"),
    400: json(StatusMessage, "Invalid input"),
    401: json(StatusMessage, "Authentication required"),
  },
});

export const listKeys = createRoute({
  method: "get",
  path: "/api/keys",
  tags: keyTags,
  summary: "Your API keys (prefix only)",
  responses: {
    200: json(z.object({ status: z.literal("success"), keys: z.array(KeyView) }), "Keys"),
    401: json(StatusMessage, "Authentication required"),
  },
});

export const revokeKey = createRoute({
  method: "delete",
  path: "/api/keys/{key_id}",
  tags: keyTags,
  summary: "Revoke one of your API keys",
  request: { params: z.object({ key_id: z.string().max(100).openapi({ param: { name: "key_id", in: "path" } }) }) },
  responses: {
    200: json(StatusMessage, "Revoked"),
    401: json(StatusMessage, "Authentication required"),
    404: json(StatusMessage, "No such key (or not yours)"),
  },
});

export type CreateKeyRoute = typeof createKey;
export type ListKeysRoute = typeof listKeys;
export type RevokeKeyRoute = typeof revokeKey;
