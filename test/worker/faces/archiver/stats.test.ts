/**
 * Seed 004's GET /stats (every counter from seeded rows: jobs by their tasks' statuses, videos by status,
 * storage from the media store's rows, schedules) and GET /stats/health (a real database query, Drive's
 * configured absence or reachability, the cron heartbeat).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import pkg from "../../../../package.json";
import { getDb } from "../../../../worker/db/client";
import { archiverJobs, archiverSchedules, files } from "../../../../worker/db/schema";
import { createSchedule } from "../../../../worker/faces/archiver/schedules";
import { healthReport, PLATFORM_VERSION } from "../../../../worker/faces/archiver/stats";
import { CRON_HEARTBEAT_KEY, HEARTBEAT_STALE_MS } from "../../../../worker/faces/archiver/stats-heartbeat";
import { runScheduled } from "../../../../worker/scheduled";
import { clearTasks } from "../../support/tasks";
import { archiverKey, callWith, seedJob, seedVideo } from "./support";

async function storedFile(size: number): Promise<string> {
  const id = crypto.randomUUID();
  await getDb(env)
    .insert(files)
    .values({ id, r2Key: `test/${id}`, size, contentType: "video/mp4", etag: id, retention: "keep", lastAccessedAt: new Date() });
  return id;
}

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await callWith(await archiverKey(env))(path);
  return { status: res.status, body: (await res.json()) as T };
}

describe("seed 004 stats", () => {
  beforeEach(async () => {
    const db = getDb(env);
    await db.delete(archiverJobs);
    await db.delete(archiverSchedules);
    await clearTasks(env);
  });

  it("should count every documented figure from the rows", async () => {
    const db = getDb(env);
    const statuses = ["queued", "running", "waiting", "succeeded", "expired", "succeeded", "dead", "cancelled"] as const;
    const jobs = [];
    for (const status of statuses) jobs.push(await seedJob(env, {}, { status }));
    // A job whose task is not written yet is pending, as GET /jobs/{id} shows it.
    await db.insert(archiverJobs).values({ id: crypto.randomUUID(), mode: "hashtag", value: "fixturetag", limit: 5, noWatermark: true, createdAt: new Date() });

    const job = jobs[3]!.id;
    const [v1, m1, v2, v3] = [await storedFile(1_000_000), await storedFile(2_345), await storedFile(7_000_000), await storedFile(31)];
    await storedFile(999_999_999); // another face's file: not the archive's storage
    await seedVideo(env, job, { status: "uploaded", fileId: v1, metadataFileId: m1 });
    await seedVideo(env, job, { status: "uploaded", fileId: v2 });
    await seedVideo(env, job, { status: "uploading", fileId: v3 });
    await seedVideo(env, job, { status: "downloaded" });
    await seedVideo(env, job, { status: "downloading" });
    await seedVideo(env, job, { status: "pending" });
    await seedVideo(env, job, { status: "failed" });
    await seedVideo(env, job, { status: "failed" });

    await createSchedule(env, { name: "a", mode: "profile", value: "a", limit: 1, no_watermark: true, interval_minutes: 60, enabled: true }, null);
    await createSchedule(env, { name: "b", mode: "profile", value: "b", limit: 1, no_watermark: true, interval_minutes: 60, enabled: true }, null);
    await createSchedule(env, { name: "c", mode: "hashtag", value: "c", limit: 1, no_watermark: true, interval_minutes: 60, enabled: false }, null);

    expect(await get("/api/v1/stats")).toEqual({
      status: 200,
      body: {
        total_jobs: 9,
        pending_jobs: 2,
        running_jobs: 2,
        completed_jobs: 3,
        failed_jobs: 1,
        total_videos: 8,
        downloaded_videos: 4,
        uploaded_videos: 2,
        failed_videos: 2,
        total_storage_bytes: 1_000_000 + 2_345 + 7_000_000 + 31,
        scheduled_jobs_count: 3,
        active_scheduled_jobs: 2,
      },
    });
  });

  it("should answer zeros on an empty archive", async () => {
    await storedFile(5_000); // not an archived video's
    expect((await get("/api/v1/stats")).body).toEqual({
      total_jobs: 0,
      pending_jobs: 0,
      running_jobs: 0,
      completed_jobs: 0,
      failed_jobs: 0,
      total_videos: 0,
      downloaded_videos: 0,
      uploaded_videos: 0,
      failed_videos: 0,
      total_storage_bytes: 0,
      scheduled_jobs_count: 0,
      active_scheduled_jobs: 0,
    });
  });
});

describe("seed 004 health", () => {
  beforeEach(() => env.MEDIA.delete(CRON_HEARTBEAT_KEY));

  it("should be degraded (still 200) with no cron heartbeat, and healthy after a pass", async () => {
    const before = await get<Record<string, unknown>>("/api/v1/stats/health");
    expect(before).toEqual({
      status: 200,
      body: { status: "degraded", version: pkg.version, timestamp: expect.any(String), database: true, google_drive: true, scheduler: false },
    });

    await runScheduled(env, Date.now(), []);
    const after = await get<Record<string, unknown>>("/api/v1/stats/health");
    expect(after.body).toMatchObject({ status: "healthy", database: true, google_drive: true, scheduler: true });
    expect(Math.abs(Date.parse(after.body.timestamp as string) - Date.now())).toBeLessThan(60_000);
  });

  it("should call the scheduler stopped when the last pass is older than three minutes", async () => {
    const now = Date.now();
    await runScheduled(env, now - HEARTBEAT_STALE_MS + 10_000, []);
    expect(await healthReport(env, now)).toMatchObject({ status: "healthy", scheduler: true });
    await runScheduled(env, now - HEARTBEAT_STALE_MS - 10_000, []);
    expect(await healthReport(env, now)).toMatchObject({ status: "degraded", scheduler: false });
    await env.MEDIA.put(CRON_HEARTBEAT_KEY, "not json");
    expect(await healthReport(env, now)).toMatchObject({ scheduler: false });
  });

  it("should check Drive when it is configured: an unreachable token endpoint or a broken key is degraded", async () => {
    const now = Date.now();
    await runScheduled(env, now, []);
    const key = JSON.stringify({ client_email: "archiver@example.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\n", token_uri: "http://127.0.0.1:9/token" });
    expect(await healthReport({ ...env, GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: key }, now)).toMatchObject({ status: "degraded", google_drive: false, scheduler: true });
    expect(await healthReport({ ...env, GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: "{not json" }, now)).toMatchObject({ status: "degraded", google_drive: false });
    expect(await healthReport(env, now)).toMatchObject({ status: "healthy", google_drive: true });
  });

  it("should report the package's version", () => {
    expect(PLATFORM_VERSION).toBe(pkg.version);
  });
});
