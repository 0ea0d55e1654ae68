/**
 * The studio's files and the opaque paths clients hold for them. Every file the studio hands out (a
 * download, an edit, a compression, an analysis frame) has a public name in the `studio` namespace, and its
 * `file_path` is the URL that serves it: `/api/v1/video/<name>`. Requests that take a path (`video_path`,
 * `input_path`) accept exactly that form (or the bare name) and nothing else: server paths (`/tmp/x.mp4`),
 * traversal and URLs of other hosts are refused before any lookup, and a name owned by another account is
 * reported as missing to everyone but its owner.
 */
import { AppError } from "../../lib/errors";
import { isPublicName } from "../../media/names";
import { findNamedFile, nameFile, type NamedFile } from "../../media/store";

export const STUDIO_NAMESPACE = "studio";
export const STUDIO_FILE_PREFIX = "/api/v1/video/";

/** Who is asking: a platform user id, or null for anonymous callers and holders of the shared token. */
export type StudioCaller = number | null;

export const studioFilePath = (name: string): string => `${STUDIO_FILE_PREFIX}${encodeURIComponent(name)}`;

export type ParsedPath = { ok: true; name: string } | { ok: false };

/** `/api/v1/video/clip.mp4` or `clip.mp4` → `clip.mp4`; anything else is refused. */
export function parseStudioPath(raw: string): ParsedPath {
  const trimmed = raw.trim();
  const name = trimmed.startsWith(STUDIO_FILE_PREFIX) ? safeDecode(trimmed.slice(STUDIO_FILE_PREFIX.length)) : trimmed;
  return name !== undefined && isPublicName(name) ? { ok: true, name } : { ok: false };
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * The stored file a request names in `field`. 400 for anything that is not a studio path, 404 for a name
 * that does not exist (or is another account's).
 */
export async function resolveStudioFile(env: Env, raw: string, caller: StudioCaller, field: string): Promise<NamedFile> {
  const parsed = parseStudioPath(raw);
  if (!parsed.ok) throw new AppError(400, `${field} must be a file_path returned by this API (${STUDIO_FILE_PREFIX}<name>)`, "path.invalid");
  const found = await findNamedFile(env, STUDIO_NAMESPACE, parsed.name, { caller });
  if (!found || !(await env.MEDIA.head(found.file.r2Key))) throw new AppError(404, `File not found: ${parsed.name}`, "file.missing");
  return found;
}

/** A file served at `GET /api/v1/video/{filename}`: everyone's anonymous files, and the caller's own. */
export async function findStudioFile(env: Env, name: string, caller: StudioCaller): Promise<NamedFile | undefined> {
  if (!isPublicName(name)) return undefined;
  return findNamedFile(env, STUDIO_NAMESPACE, name, { caller });
}

/**
 * Give a stored file its studio name for this caller. A name another account holds is a 409: outputs are
 * never re-pointed to another owner's file.
 */
export async function nameStudioFile(env: Env, name: string, fileId: string, caller: StudioCaller): Promise<string> {
  const named = await nameFile(env, { namespace: STUDIO_NAMESPACE, publicName: name, fileId, ownerUserId: caller });
  if (!named.ok) throw new AppError(409, `The name ${name} is in use; choose another`, "name.taken");
  return studioFilePath(name);
}
