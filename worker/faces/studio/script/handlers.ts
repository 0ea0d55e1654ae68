/** HTTP for the script routes: validated bodies in, the services' answers out, one analytics event each. */
import { editScriptJsonSchema as jsonSchemaOf } from "../../../../protocol/edit-script";
import type { AppRouteHandler } from "../../../lib/app-context";
import { recordLater, type StudioEvent } from "../analytics/record";
import { editStudioVideo } from "./edit";
import { generateScript as generate } from "./generate";
import { processUrl } from "./process";
import type { EditRoute, EditScriptJsonSchemaRoute, GenerateScriptRoute, ProcessRoute } from "./routes";

/** Runs `work`, recording its outcome and duration as an event of `kind` after the response. */
async function recorded<T>(
  env: Env,
  waitUntil: (p: Promise<unknown>) => void,
  event: Omit<StudioEvent, "ok" | "durationMs">,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    const value = await work();
    recordLater(env, waitUntil, { ...event, ok: true, durationMs: Date.now() - started });
    return value;
  } catch (err) {
    recordLater(env, waitUntil, { ...event, ok: false, durationMs: Date.now() - started });
    throw err;
  }
}

export const generateScript: AppRouteHandler<GenerateScriptRoute> = async (c) => {
  const body = c.req.valid("json");
  const response = await recorded(c.env, (p) => c.executionCtx.waitUntil(p), { kind: "script" }, () =>
    generate(c.env, { videoPath: body.video_path, numFrames: body.num_frames, caller: c.get("auth")?.userId ?? null }),
  );
  return c.json(response, 200);
};

export const editScriptJsonSchema: AppRouteHandler<EditScriptJsonSchemaRoute> = (c) => c.json(jsonSchemaOf(), 200);

export const edit: AppRouteHandler<EditRoute> = async (c) => {
  const body = c.req.valid("json");
  const response = await recorded(c.env, (p) => c.executionCtx.waitUntil(p), { kind: "edit" }, () =>
    editStudioVideo(c.env, { videoPath: body.video_path, script: body.script, outputFilename: body.output_filename, caller: c.get("auth")?.userId ?? null }),
  );
  return c.json(response, 200);
};

export const process: AppRouteHandler<ProcessRoute> = async (c) => {
  const body = c.req.valid("json");
  const url = body.url.trim();
  const response = await recorded(c.env, (p) => c.executionCtx.waitUntil(p), { kind: "process", url: url || undefined }, () =>
    processUrl(c.env, { url, numFrames: body.num_frames, caller: c.get("auth")?.userId ?? null }),
  );
  return c.json(response, 200);
};
