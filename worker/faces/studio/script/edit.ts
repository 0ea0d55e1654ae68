/**
 * `POST /api/v1/edit` without HTTP: the script checked against the shared schema (each problem named by its
 * field, `script.segments[1].end must be after start`), the output name checked, then one `studio.edit` task
 * per (file, script) renders it in one ffmpeg pass; its output is named for the caller.
 */
import { editScriptSchema, scriptProblems, type EditScript } from "../../../../protocol/edit-script";
import { AppError } from "../../../lib/errors";
import { isPublicName } from "../../../media/names";
import { nameStudioFile, resolveStudioFile, type StudioCaller } from "../files";
import { runCachedTask, type FailureTable } from "./cached-task";
import { renderResultSchema, type RenderResult } from "./media-ops";
import { editTaskKey, STUDIO_EDIT_KIND, type EditPayload } from "./tasks";

export interface StudioEdit {
  success: true;
  output_path: string;
  file_size: number;
  duration: number;
  width: number;
  height: number;
}

/** The renderer's failures a client can act on (it checks the segments against the real file, too). */
export const EDIT_FAILURES: FailureTable = {
  "input.invalid": [400, (m) => `The script does not fit the video: ${m}`],
  "file.missing": [404, () => "File not found: it is no longer stored; download it again"],
  "source.too_large": [413, () => "The edited video exceeds the size limit"],
};

/** A client's script, parsed, or a 400 naming every bad field under `script.`. */
export function parseEditScript(raw: unknown): EditScript {
  const parsed = editScriptSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = scriptProblems(parsed.error).map((p) => (p.startsWith("script") ? p : `script.${p}`));
  throw new AppError(400, `Invalid script: ${problems.join("; ")}`, "script.invalid");
}

/** `edited.mp4`: a plain file name (no directories) ending in .mp4. */
export function checkOutputFilename(name: string): string {
  const trimmed = name.trim();
  if (!isPublicName(trimmed) || !/\.mp4$/i.test(trimmed)) {
    throw new AppError(400, "output_filename must be a plain file name ending in .mp4 (letters, digits, . _ -)", "output_filename.invalid");
  }
  return trimmed;
}

export const editResponse = (outputPath: string, r: RenderResult): StudioEdit => ({
  success: true,
  output_path: outputPath,
  file_size: r.size,
  duration: r.durationSeconds,
  width: r.width,
  height: r.height,
});

export async function editStudioVideo(env: Env, req: { videoPath: string; script: unknown; outputFilename: string; caller: StudioCaller }): Promise<StudioEdit> {
  const outputName = checkOutputFilename(req.outputFilename);
  const script = parseEditScript(req.script);
  const input = await resolveStudioFile(env, req.videoPath, req.caller, "video_path");
  const payload: EditPayload = { fileId: input.file.id, script };
  const { result } = await runCachedTask(env, {
    kind: STUDIO_EDIT_KIND,
    payload,
    idempotencyKey: await editTaskKey(payload),
    caller: req.caller,
    result: renderResultSchema,
    fileIds: (r) => [r.fileId],
    failures: EDIT_FAILURES,
    what: "edit",
  });
  return editResponse(await nameStudioFile(env, outputName, result.fileId, req.caller), result);
}
