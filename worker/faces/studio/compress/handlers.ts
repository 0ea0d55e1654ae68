/** HTTP for `POST /api/v1/compress`: validated body in, the compression's answer out, its analytics event recorded. */
import type { AppRouteHandler } from "../../../lib/app-context";
import { recordLater } from "../analytics/record";
import { compressStudioFile } from "./compress";
import type { CompressRoute } from "./routes";

export const compress: AppRouteHandler<CompressRoute> = async (c) => {
  const body = c.req.valid("json");
  const started = Date.now();
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  try {
    const response = await compressStudioFile(c.env, {
      inputPath: body.input_path,
      targetSizeMb: body.target_size_mb,
      quality: body.quality,
      caller: c.get("auth")?.userId ?? null,
    });
    recordLater(c.env, waitUntil, { kind: "compress", ok: true, durationMs: Date.now() - started });
    return c.json(response, 200);
  } catch (err) {
    recordLater(c.env, waitUntil, { kind: "compress", ok: false, durationMs: Date.now() - started });
    throw err;
  }
};
