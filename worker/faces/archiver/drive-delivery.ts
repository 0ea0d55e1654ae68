/**
 * Delivery of an archived video and its metadata.json to Google Drive, when Drive is configured: the
 * document's folder path (`TikTok/{mode}/{value}/{yyyy}/{mm}`) under the job's `drive_folder_id` or the
 * configured root, the video streamed from R2 in a resumable upload (resumed from R2 at Drive's offset after
 * a failed transfer), then the JSON. A retryable Drive failure (429, 5xx, network) fails the task retryably.
 */
import type { ArchiverVideoRow } from "../../db/schema";
import { getDb } from "../../db/client";
import { files } from "../../db/schema";
import { createDriveClient, driveConfigFromEnv, DriveError, type DriveClient } from "../../integrations/google-drive";
import { TaskError } from "../../tasks/errors";
import { inArray } from "drizzle-orm";

/** One client per isolate and configuration: its access token and found folders are cached. */
const clients = new Map<string, DriveClient>();

function driveClient(env: Env): DriveClient | undefined {
  const config = driveConfigFromEnv(env);
  if (!config) return undefined;
  const cacheKey = `${env.GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON}|${config.apiBaseUrl}|${config.oauthTokenUrl}|${config.rootFolderId ?? ""}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = createDriveClient(config);
    clients.set(cacheKey, client);
  }
  return client;
}

export const driveConfigured = (env: Env): boolean => !!env.GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON;

/** Whether Drive would take a delivery now: its configured absence is healthy (videos stay in R2). */
export async function driveReachable(env: Env): Promise<boolean> {
  try {
    const client = driveClient(env);
    if (!client) return true;
    await client.ensureFolderPath(["TikTok"], undefined, { signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

const asTaskError = (err: unknown): unknown =>
  err instanceof DriveError ? new TaskError(`drive.${err.reason ?? err.status}`, `Google Drive ${err.operation}: ${err.message}`, err.retryable) : err;

export async function deliverToDrive(
  env: Env,
  video: ArchiverVideoRow,
  opts: { parentFolderId: string | null; signal: AbortSignal },
): Promise<Pick<ArchiverVideoRow, "driveFileId" | "driveMetadataFileId" | "driveVideoLink" | "driveMetadataLink">> {
  const client = driveClient(env);
  if (!client) throw new TaskError("drive.not_configured", "Google Drive is not configured", false);
  const stored = await getDb(env)
    .select()
    .from(files)
    .where(inArray(files.id, [video.fileId ?? "", video.metadataFileId ?? ""]));
  const videoFile = stored.find((f) => f.id === video.fileId);
  const metadataFile = stored.find((f) => f.id === video.metadataFileId);
  if (!videoFile || !metadataFile) throw new TaskError("archiver.file_missing", "the archived file is gone from storage", false);
  try {
    const folderId = await client.ensureFolderPath(video.folderPath.split("/"), opts.parentFolderId ?? undefined, { signal: opts.signal });
    const open = async (offset: number) => {
      const object = await env.MEDIA.get(videoFile.r2Key, offset > 0 ? { range: { offset } } : undefined);
      if (!object) throw new TaskError("archiver.file_missing", "the archived file is gone from storage", false);
      return object.body;
    };
    const extension = /\.[a-z0-9]{2,4}$/i.exec(videoFile.r2Key)?.[0] ?? ".mp4";
    const uploaded = await client.uploadFile({
      name: `${video.id}${extension}`,
      parentId: folderId,
      contentType: videoFile.contentType,
      size: videoFile.size,
      body: await open(0),
      reopen: open,
      appProperties: { tiktokId: video.id },
      signal: opts.signal,
    });
    const metadataObject = await env.MEDIA.get(metadataFile.r2Key);
    if (!metadataObject) throw new TaskError("archiver.file_missing", "the metadata file is gone from storage", false);
    const metadata = await client.uploadBytes({
      name: `${video.id}.json`,
      parentId: folderId,
      contentType: "application/json",
      bytes: new Uint8Array(await metadataObject.arrayBuffer()),
      appProperties: { tiktokId: video.id },
      signal: opts.signal,
    });
    return { driveFileId: uploaded.id, driveVideoLink: uploaded.link, driveMetadataFileId: metadata.id, driveMetadataLink: metadata.link };
  } catch (err) {
    throw asTaskError(err);
  }
}
