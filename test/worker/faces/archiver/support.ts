/** Credentials and rows for the archiver's worker tests (no transcoder here: jobs and videos are seeded). */
import { getDb } from "../../../../worker/db/client";
import { archiverJobs, archiverJobVideos, archiverVideoHashtags, archiverVideos, tasks, type ArchiverVideoRow } from "../../../../worker/db/schema";
import { createApiKey } from "../../../../worker/auth/api-keys";
import { ARCHIVER_JOB_KIND, ARCHIVER_VIDEO_KIND } from "../../../../worker/faces/archiver/kinds";
import { childKey } from "../../../../worker/tasks/children";
import { call } from "../../support/http";
import { createUser } from "../../support/users";

/** A fresh key (its own rate-limit bucket: the document's 10/min, burst 20, per key). */
export async function archiverKey(env: Env): Promise<Record<string, string>> {
  const { user } = await createUser(env);
  const { key } = await createApiKey(env, user.id, "archiver test");
  return { "X-API-Key": key };
}

export const callWith = (headers: Record<string, string>) => (path: string, init: RequestInit = {}) =>
  call(path, { ...init, headers: { ...headers, ...(init.body ? { "Content-Type": "application/json" } : {}), ...(init.headers as Record<string, string>) } });

/** A job row and its task row (same id), with the task in the given state. */
export async function seedJob(env: Env, job: Partial<typeof archiverJobs.$inferInsert> = {}, task: Partial<typeof tasks.$inferInsert> = {}) {
  const id = job.id ?? crypto.randomUUID();
  const now = new Date();
  const db = getDb(env);
  await db.insert(tasks).values({
    id,
    kind: ARCHIVER_JOB_KIND,
    payload: { jobId: id },
    status: "waiting",
    runAfter: new Date(Date.now() + 3_600_000),
    createdAt: now,
    updatedAt: now,
    ...task,
  });
  const [row] = await db
    .insert(archiverJobs)
    .values({ id, mode: "profile", value: "archive.alice", limit: 50, noWatermark: true, createdAt: now, ...job })
    .returning();
  return row!;
}

let sequence = 7_100_000_000_000_000_000n;
export const tiktokId = () => String(sequence++);

/** A video of `jobId` (linked to it), with its hashtags indexed, and optionally its child task. */
export async function seedVideo(env: Env, jobId: string, video: Partial<typeof archiverVideos.$inferInsert> = {}, opts: { childStatus?: "dead" | "succeeded" | "cancelled"; position?: number } = {}): Promise<ArchiverVideoRow> {
  const db = getDb(env);
  const id = video.id ?? tiktokId();
  const createdAt = video.createdAt ?? new Date();
  const [row] = await db
    .insert(archiverVideos)
    .values({
      id,
      jobId,
      mode: "profile",
      value: "archive.alice",
      url: `https://www.tiktok.com/@archive.alice/video/${id}`,
      folderPath: "TikTok/profile/archive.alice/2025/01",
      authorUsername: "archive.alice",
      status: "uploaded",
      createdAt,
      updatedAt: createdAt,
      ...video,
    })
    .returning();
  await db.insert(archiverJobVideos).values({ jobId, videoId: id, position: opts.position ?? 0 });
  for (const tag of row!.hashtags) await db.insert(archiverVideoHashtags).values({ tag, videoId: id, createdAt });
  if (opts.childStatus) {
    await db.insert(tasks).values({
      id: crypto.randomUUID(),
      kind: ARCHIVER_VIDEO_KIND,
      payload: { jobId, videoId: id },
      parentId: jobId,
      idempotencyKey: childKey(jobId, id),
      status: opts.childStatus,
      countedInParent: true,
      errorMessage: opts.childStatus === "dead" ? "download failed" : null,
      runAfter: new Date(Date.now() + 3_600_000),
      createdAt,
      updatedAt: createdAt,
    });
  }
  return row!;
}
