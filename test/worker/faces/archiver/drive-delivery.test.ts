/**
 * The archiver's Drive delivery against the fake Drive (test/fakes/google-drive.ts, real Drive v3 shapes):
 * the document's folder path under the configured root or the job's `drive_folder_id`, the stored video
 * and its metadata.json arriving intact, Drive's links returned, failures typed for the task engine, and
 * health reporting Drive.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliverToDrive, driveReachable } from "../../../../worker/faces/archiver/drive-delivery";
import { registerFile } from "../../../../worker/media/store";
import { sha256Hex } from "../../../../worker/lib/crypto";
import { TaskError } from "../../../../worker/tasks/errors";
import { newFakeDrive, type FakeDrive } from "../../integrations/fake-drive";
import { seedJob, seedVideo } from "./support";

const driveEnv = (drive: FakeDrive, root = drive.rootFolderId): Env => ({
  ...env,
  GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.serviceAccount),
  GOOGLE_DRIVE_API_BASE_URL: drive.apiBaseUrl,
  GOOGLE_DRIVE_OAUTH_TOKEN_URL: drive.tokenUrl,
  GOOGLE_DRIVE_ROOT_FOLDER_ID: root,
});

async function downloadedVideo(bytes: Uint8Array) {
  const job = await seedJob(env, {}, { status: "waiting" });
  const id = `7${Date.now()}${Math.floor(Math.random() * 1e5)}`;
  const put = async (key: string, body: Uint8Array, type: string) => {
    const obj = await env.MEDIA.put(key, body, { httpMetadata: { contentType: type } });
    return registerFile(env, { key, size: obj!.size, contentType: type, etag: obj!.httpEtag, retention: "keep" });
  };
  const prefix = `TikTok/profile/archive.alice/2025/01/${id}`;
  const file = await put(`${prefix}/0.mp4`, bytes, "video/mp4");
  const metadata = await put(`${prefix}/metadata.json`, new TextEncoder().encode(`{"id":"${id}"}`), "application/json");
  return seedVideo(env, job.id, { id, status: "uploading", fileId: file.id, metadataFileId: metadata.id });
}

/** Folder names from below `rootId` down to `folderId`. */
const pathOf = (state: Awaited<ReturnType<FakeDrive["state"]>>, folderId: string, rootId: string): string[] => {
  const names: string[] = [];
  let current = state.folders.find((f) => f.id === folderId);
  while (current && current.id !== rootId) {
    names.unshift(current.name);
    current = state.folders.find((f) => f.id === current!.parents[0]);
  }
  return names;
};

describe("seed 004 Google Drive delivery", () => {
  it("should upload the video and its metadata.json into TikTok/{mode}/{value}/{yyyy}/{mm} under the root, intact", async () => {
    const drive = await newFakeDrive();
    const bytes = new Uint8Array(3 * 1024 * 1024 + 11).map((_, i) => (i * 7) % 256);
    const video = await downloadedVideo(bytes);
    const delivered = await deliverToDrive(driveEnv(drive), video, { parentFolderId: null, signal: new AbortController().signal });

    const state = await drive.state();
    const file = state.files.find((f) => f.id === delivered.driveFileId)!;
    expect(file).toMatchObject({ name: `${video.id}.mp4`, size: bytes.byteLength, sha256: await sha256Hex(bytes), appProperties: { tiktokId: video.id } });
    expect(pathOf(state, file.parents[0]!, drive.rootFolderId)).toEqual(["TikTok", "profile", "archive.alice", "2025", "01"]);
    expect(state.folders.find((f) => f.name === "TikTok")!.parents).toEqual([drive.rootFolderId]);
    const json = state.files.find((f) => f.id === delivered.driveMetadataFileId)!;
    expect(json).toMatchObject({ name: `${video.id}.json`, mimeType: "application/json", parents: file.parents });
    expect(delivered.driveVideoLink).toMatch(new RegExp(delivered.driveFileId!));

    // A second video of the same month reuses the folders.
    const again = await downloadedVideo(new Uint8Array(100));
    await deliverToDrive(driveEnv(drive), again, { parentFolderId: null, signal: new AbortController().signal });
    expect((await drive.state()).folders).toHaveLength(state.folders.length);
  });

  it("should deliver into the job's drive_folder_id when it names one", async () => {
    const drive = await newFakeDrive();
    const video = await downloadedVideo(new Uint8Array(2048));
    // The job's folder is another folder than the configured root: the path is created below it.
    const root = await drive.state();
    const delivered = await deliverToDrive(driveEnv(drive, "not-the-root"), video, { parentFolderId: root.myDriveId, signal: new AbortController().signal });
    const state = await drive.state();
    const file = state.files.find((f) => f.id === delivered.driveFileId)!;
    expect(pathOf(state, file.parents[0]!, root.myDriveId)).toEqual(["TikTok", "profile", "archive.alice", "2025", "01"]);
    expect(state.folders.find((f) => f.name === "TikTok")!.parents).toEqual([root.myDriveId]);
  });

  it("should fail retryably on a rate-limited Drive and permanently on a key Drive does not trust", async () => {
    const drive = await newFakeDrive();
    const video = await downloadedVideo(new Uint8Array(100));
    await drive.fault({ operation: "files.list", status: 429 });
    const limited = await deliverToDrive(driveEnv(drive), video, { parentFolderId: null, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(TaskError);
    expect(limited).toMatchObject({ retryable: true });

    const untrusted = { ...driveEnv(drive), GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.untrustedServiceAccount) };
    const refused = await deliverToDrive(untrusted, video, { parentFolderId: null, signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ retryable: false });
  });

  it("should report Drive healthy when it answers or is not configured, and not when its key is refused", async () => {
    const drive = await newFakeDrive();
    expect(await driveReachable(driveEnv(drive))).toBe(true);
    expect(await driveReachable(env)).toBe(true);
    expect(await driveReachable({ ...driveEnv(drive), GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(drive.untrustedServiceAccount) })).toBe(false);
  });
});
