/** API keys of the calling user: create (shown once), list (prefix only), revoke. */
import { createRoute, z } from "@hono/zod-openapi";
import { converterErrors, errorResponse, StatusMessage } from "../../lib/error-format";
import { json, jsonBody } from "../../lib/openapi";

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
    400: errorResponse(converterErrors, 400, "Invalid input"),
    401: errorResponse(converterErrors, 401, "Authentication required"),
  },
});

export const listKeys = createRoute({
  method: "get",
  path: "/api/keys",
  tags: keyTags,
  summary: "Your API keys (prefix only)",
  responses: {
    200: json(z.object({ status: z.literal("success"), keys: z.array(KeyView) }), "Keys"),
    401: errorResponse(converterErrors, 401, "Authentication required"),
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
    401: errorResponse(converterErrors, 401, "Authentication required"),
    404: errorResponse(converterErrors, 404, "No such key (or not yours)"),
  },
});

export type CreateKeyRoute = typeof createKey;
export type ListKeysRoute = typeof listKeys;
export type RevokeKeyRoute = typeof revokeKey;
