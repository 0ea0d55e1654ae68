/** The saver's logic: resolve a TikTok URL, fetch it through the shared task, name the files. No HTTP. */
import { resolveTikTokPost, tiktokPostFetch } from "../../media/tiktok-post";
import { AppError } from "../../lib/errors";
import { fetchFailureToError, fetchMediaAndWait, sentence, type FailureWording } from "../../media/fetch-media";
import { extensionOf, isPublicName } from "../../media/names";
import { findNamedFile, nameFile, type NamedFile } from "../../media/store";

/** The saver's names (`<post id>.mp4`) live in their own namespace. */
export const SAVER_NAMESPACE = "saver";

export interface SavedFile {
  name: string;
  url: string;
}

/** Seed 000's wording; anything unexpected is its documented 500 "Failed to save the file". */
const SAVER_FAILURES: FailureWording = {
  codes: {
    "source.unavailable": [404, "Video not found or no longer available"],
    "source.no_media": [404, "Video not found or no longer available"],
    "source.private": [403, "This post is private"],
    "source.unsupported": [400, "Invalid TikTok URL"],
    "source.blocked": [400, "Invalid TikTok URL"],
    "source.too_large": [413, "The media exceeds the size limit"],
    // Unreachable is not missing: the source may be down, or this server offline. 502, naming the host.
    "source.unreachable": [502, sentence],
  },
  timeout: "Download is taking longer than expected; repeat the request to get the result",
  fallback: [500, "Failed to save the file"],
};

export async function saveTikTok(
  env: Env,
  rawUrl: string,
  ownerUserId?: number | null,
  opts: { progressChannel?: string } = {},
): Promise<SavedFile[]> {
  const source = await resolveTikTokPost(env, rawUrl);
  const outcome = await fetchMediaAndWait(env, tiktokPostFetch(source), { face: "saver", ownerUserId, progressChannel: opts.progressChannel });
  if (!outcome.ok) throw fetchFailureToError(outcome.failure, SAVER_FAILURES);

  const outputs = [...outcome.result.outputs].filter((o) => o.kind !== "archive").sort((a, b) => a.index - b.index);
  const single = outputs.length === 1;
  const saved: SavedFile[] = [];
  const missing: string[] = [];
  for (const [i, output] of outputs.entries()) {
    const name = single ? `${source.id}.${extensionOf(output.name)}` : `${source.id}_${i + 1}.${extensionOf(output.name)}`;
    const file = outcome.files.get(output.fileId);
    if (!file || !(await env.MEDIA.head(file.r2Key))) {
      missing.push(name);
      continue;
    }
    const named = await nameFile(env, { namespace: SAVER_NAMESPACE, publicName: name, fileId: file.id, ownerUserId });
    // A post's names are derived from its id, so a taken name means another owner's file under the same
    // name: refuse rather than hand out a stream of someone else's file.
    if (!named.ok) throw new AppError(409, `The name ${name} is in use`, "name.taken");
    saved.push({ name, url: `/stream/${encodeURIComponent(name)}` });
  }
  if (missing.length > 0) throw new AppError(404, `Files not found: ${missing.join(", ")}`, "files.missing");
  return saved;
}

/** Look up a saver file by its public name; names outside the plain-file alphabet never match. */
export async function findSavedFile(env: Env, filename: string): Promise<NamedFile | undefined> {
  if (!isPublicName(filename)) return undefined;
  return findNamedFile(env, SAVER_NAMESPACE, filename);
}
