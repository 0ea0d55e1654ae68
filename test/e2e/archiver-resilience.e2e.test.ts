/**
 * Seed 004 on a stack of its own, configured with Google Drive (the fake Drive, which records what it
 * receives) and a short task lease: every video of a job lands in Drive under the document's folder path,
 * and a Worker killed mid-job is restarted, its lapsed work recovered by cron, and the job ends with exact
 * counters without fetching a finished video again.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGoogleDrive, type FakeDriveInfo, type FakeGoogleDrive } from "../fakes/google-drive";
import { startFixtureServer } from "../fixtures/server";
import { userVideos } from "../fixtures/tiktok-catalogue";
import { freePort, startTranscoder, startWorker, type TranscoderHandle, type WorkerHandle } from "../support/processes";
import { adminCli } from "./support/admin-cli";
import { triggerCron } from "./support/client";
import { localD1, localR2Keys } from "./support/local-state";

let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let drive: FakeGoogleDrive;
let account: FakeDriveInfo;
let transcoder: TranscoderHandle;
let worker: WorkerHandle;
let vars: Record<string, string>;
let port = 0;
let persistDir = "";
const key = `legacy-${randomBytes(12).toString("hex")}`;
const token = "archiver-resilience-token-0123456789";

const call = (pathname: string, init: RequestInit = {}) =>
  fetch(`${worker.url}${pathname}`, { ...init, headers: { "X-API-Key": key, ...(init.body ? { "Content-Type": "application/json" } : {}) } });

async function jobState(id: string) {
  return ((await (await call(`/api/v1/jobs/${id}`)).json()) as { job: { status: string; total_videos: number; successful_downloads: number; failed_downloads: number } }).job;
}

async function hits(): Promise<Record<string, number>> {
  return (await (await fetch(`${fixtures.origin}/__hits`)).json()) as Record<string, number>;
}

describe("seed 004 with Drive, and a Worker killed mid-job", () => {
  beforeAll(async () => {
    fixtures = await startFixtureServer();
    drive = await startFakeGoogleDrive();
    account = drive.createDrive();
    port = await freePort();
    transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, `http://127.0.0.1:${port}`] });
    vars = {
      APP_ENV: "test",
      TRANSCODER_URL: transcoder.url,
      TRANSCODER_TOKEN: token,
      SOURCE_FIXTURE_ORIGIN: fixtures.origin,
      JWT_SECRET: "archiver-resilience-jwt-secret-0123456789abcdef",
      BLOB_SIGNING_SECRET: "archiver-resilience-blob-secret-0123456789abcd",
      TASK_RETRY_BASE_SECONDS: "1",
      // Short, so cron recovers the killed Worker's leases within the test.
      TASK_LEASE_SECONDS: "8",
      RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
      RATE_LIMIT_BURST: "100000",
      GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON: JSON.stringify(account.serviceAccount),
      GOOGLE_DRIVE_API_BASE_URL: account.apiBaseUrl,
      GOOGLE_DRIVE_OAUTH_TOKEN_URL: account.tokenUrl,
      GOOGLE_DRIVE_ROOT_FOLDER_ID: account.rootFolderId,
    };
    // Ours, so that stopping the killed Worker keeps its state for the restarted one.
    persistDir = mkdtempSync(path.join(tmpdir(), "e2e-archiver-resilience-"));
    worker = await startWorker(vars, { port, persistDir });
    await adminCli(["import-key", "archive-ops", key], {}, worker.persistDir);
  });

  afterAll(async () => {
    await worker?.stop();
    await transcoder?.stop();
    await drive?.close();
    await fixtures?.close();
    rmSync(persistDir, { recursive: true, force: true });
  });

  it("should deliver every video and its metadata to Drive under TikTok/profile/{user}/{yyyy}/{mm}, with Drive links", async () => {
    const bob = userVideos("archive.bob")!;
    const created = (await (await call("/api/v1/jobs", { method: "POST", body: JSON.stringify({ mode: "profile", value: "archive.bob" }) })).json()) as { id: string };
    for (let i = 0; i < 300 && (await jobState(created.id)).status !== "completed"; i++) await new Promise((r) => setTimeout(r, 300));
    const detail = (await (await call(`/api/v1/jobs/${created.id}`)).json()) as {
      job: { successful_downloads: number };
      videos: { id: string; status: string; drive_file_id: string | null }[];
      drive_links: { video_id: string; video_link: string; metadata_link: string | null; folder_path: string }[];
    };
    expect(detail.job.successful_downloads).toBe(bob.length);
    expect(detail.videos.every((v) => v.status === "uploaded" && v.drive_file_id)).toBe(true);

    const state = drive.state(account.id)!;
    for (const v of bob) {
      const created = new Date(v.createTime * 1000);
      const path = ["TikTok", "profile", "archive.bob", String(created.getUTCFullYear()), String(created.getUTCMonth() + 1).padStart(2, "0")];
      const file = state.files.find((f) => f.name === `${v.id}.mp4`);
      expect(file, v.id).toBeDefined();
      let folder = state.folders.find((f) => f.id === file!.parents[0]);
      const names: string[] = [];
      while (folder && folder.id !== account.rootFolderId) {
        names.unshift(folder.name);
        folder = state.folders.find((f) => f.id === folder!.parents[0]);
      }
      expect(names).toEqual(path);
      expect(state.files.filter((f) => f.name === `${v.id}.json`)).toHaveLength(1);
      const link = detail.drive_links.find((l) => l.video_id === v.id)!;
      expect(link.video_link).toContain(file!.id);
      expect(link.folder_path).toBe(path.join("/"));
    }
    const health = (await (await call("/api/v1/stats/health")).json()) as { google_drive: boolean };
    expect(health.google_drive).toBe(true);
  });

  it("should finish a job whose Worker was killed mid-job with exact counters, fetching no finished video again", async () => {
    const carol = userVideos("archive.carol")!;
    await fetch(`${fixtures.origin}/__reset`, { method: "POST" });
    const created = (await (await call("/api/v1/jobs", { method: "POST", body: JSON.stringify({ mode: "profile", value: "archive.carol" }) })).json()) as { id: string };
    for (let i = 0; i < 300 && (await jobState(created.id)).successful_downloads < 3; i++) await new Promise((r) => setTimeout(r, 100));

    // Kill wrangler and workerd at once, mid-job: running videos lose their runner, queued wake-ups are lost.
    await worker.stop("SIGKILL");
    const finishedBefore = localD1(persistDir, "SELECT id FROM archiver_videos WHERE value = 'archive.carol' AND status = 'uploaded'").map((r) => String(r.id));
    expect(finishedBefore.length).toBeGreaterThanOrEqual(3);
    expect(finishedBefore.length).toBeLessThan(carol.length);
    const hitsBefore = await hits();

    worker = await startWorker(vars, { port, persistDir });
    let job = await jobState(created.id);
    for (let i = 0; i < 120 && job.status !== "completed"; i++) {
      // Cron recovers lapsed leases at once and re-wakes queued work that sat untouched for a minute.
      await triggerCron(worker.url);
      await new Promise((r) => setTimeout(r, 1000));
      job = await jobState(created.id);
    }
    expect(job).toMatchObject({ status: "completed", total_videos: carol.length, successful_downloads: carol.length, failed_downloads: 0 });

    const after = await hits();
    for (const id of finishedBefore) expect(after[`/tiktok/media/${id}.mp4`] ?? 0, id).toBe(hitsBefore[`/tiktok/media/${id}.mp4`] ?? 0);
    // One stored video and one metadata.json per video, registered; one copy of each in Drive.
    const keys = localR2Keys(persistDir, "TikTok/profile/archive.carol/");
    expect(keys).toHaveLength(carol.length * 2);
    expect(localD1(persistDir, "SELECT count(*) AS n FROM files WHERE substr(r2_key, 1, 29) = 'TikTok/profile/archive.carol/'")[0]!.n).toBe(carol.length * 2);
    const inDrive = drive.state(account.id)!.files.filter((f) => carol.some((v) => f.name === `${v.id}.mp4`));
    expect(new Set(inDrive.map((f) => f.name)).size).toBe(carol.length);
    for (const id of finishedBefore) expect(inDrive.filter((f) => f.name === `${id}.mp4`), id).toHaveLength(1);
  }, 240_000);
});
