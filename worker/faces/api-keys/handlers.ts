import { createApiKey, listApiKeys, revokeApiKey } from "../../auth/api-keys";
import { requireCaller } from "../../auth/context";
import type { AppRouteHandler } from "../../lib/app-context";
import type * as R from "./routes";

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
