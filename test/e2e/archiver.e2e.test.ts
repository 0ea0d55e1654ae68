/**
 * Seed 004 on the real stack: yt-dlp lists the fixture TikTok (RSS feeds the generic extractor reads),
 * the transcoder downloads each video, the Worker stores and describes it, and a WebSocket client watches
 * the job live. Keys are the document's kind: existing keys imported with `npm run admin -- import-key`.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { catalogueVideo, FIXTURE_TAG, hashtagVideos, userVideos, videosBetween } from "../fixtures/tiktok-catalogue";
import { zipEntries } from "../support/zip-entries";
import { adminCli } from "./support/admin-cli";
import { api, fixtureHits, stack } from "./support/client";
import { localD1, localR2Keys } from "./support/local-state";

const run = promisify(execFile);

/** A key from "the document's .env", imported by the operator (each key has its own burst of 20). */
async function importedKey(): Promise<string> {
  const key = `legacy-${randomBytes(12).toString("hex")}`;
  expect(await adminCli(["import-key", "archive-ops", key])).toContain("imported");
  return key;
}

const client = (key: string) => (pathname: string, init: RequestInit = {}) =>
  api(pathname, { ...init, headers: { "X-API-Key": key, ...(init.body ? { "Content-Type": "application/json" } : {}), ...(init.headers as Record<string, string>) } });

interface JobMessage {
  type: "job";
  job: { id: string; status: string; progress: number; total_videos: number; successful_downloads: number; failed_downloads: number };
  video?: { id: string; status: string };
  final: boolean;
}

/**
 * A WebSocket client of `/ws/jobs/{id}` (key as `?api_key=`, as a browser sends it), collecting every
 * message. Like a real client it reconnects when the connection drops before the final message (a late
 * joiner is sent the current state first); `reconnects` says how often, and the tests allow few.
 */
function watch(jobId: string, key: string) {
  const url = `${stack().workerUrl.replace(/^http/, "ws")}/ws/jobs/${jobId}?api_key=${encodeURIComponent(key)}`;
  const messages: JobMessage[] = [];
  const state = { reconnects: 0, socket: undefined as WebSocket | undefined };
  const done = new Promise<JobMessage>((resolve, reject) => {
    const connect = () => {
      const socket = new WebSocket(url);
      state.socket = socket;
      socket.addEventListener("message", (e) => {
        const message = JSON.parse(String(e.data)) as JobMessage;
        messages.push(message);
        if (message.final) resolve(message);
      });
      socket.addEventListener("close", () => {
        if (messages.at(-1)?.final) return;
        // A dev server reloading (wrangler dev watches the sources) drops sockets for a few seconds.
        if (++state.reconnects > 6) reject(new Error(`the connection dropped ${state.reconnects} times (${messages.length} messages)`));
        else setTimeout(connect, 250 * 2 ** state.reconnects);
      });
    };
    connect();
  });
  return { messages, done, state, close: () => state.socket?.close() };
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);

async function createJob(key: string, body: Record<string, unknown>) {
  const res = await client(key)("/api/v1/jobs", { method: "POST", body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; status: string };
}

interface VideoView {
  id: string;
  status: string;
  desc: string | null;
  author_username: string | null;
  views: number | null;
  likes: number | null;
  comments: number | null;
  created_at_tiktok: string | null;
  hashtags: string[];
  file_size: number | null;
  duration: number | null;
  has_watermark: boolean | null;
  drive_folder_path: string;
  error_message: string | null;
}

describe("seed 004 archiver on the real stack", () => {
  it("should archive a profile while a WebSocket client watches it reach 100%, with the document's metadata and a zip", async () => {
    const key = await importedKey();
    const call = client(key);
    const job = await createJob(key, { mode: "profile", value: "archive.alice", limit: 50, no_watermark: true });
    const live = watch(job.id, key);
    const final = await withTimeout(live.done, 150_000, "the job's final message");
    live.close();
    expect(live.state.reconnects).toBeLessThanOrEqual(1);

    const alice = userVideos("archive.alice")!;
    expect(final.job).toMatchObject({ status: "completed", progress: 100, total_videos: alice.length, successful_downloads: alice.length, failed_downloads: 0 });
    const seen = new Set(live.messages.flatMap((m) => (m.video ? [`${m.video.status}`] : [])));
    expect([...seen]).toEqual(expect.arrayContaining(["downloading", "downloaded", "uploaded"]));
    expect(live.messages.some((m) => !m.final && m.job.progress > 0 && m.job.progress < 100)).toBe(true);

    const detail = (await (await call(`/api/v1/jobs/${job.id}`)).json()) as { job: Record<string, unknown>; videos: { id: string; status: string }[]; drive_links: { video_id: string; video_link: string }[] };
    expect(detail.videos.map((v) => v.id).sort()).toEqual(alice.map((v) => v.id).sort());
    expect(detail.videos.every((v) => v.status === "uploaded")).toBe(true);
    expect(detail.drive_links).toHaveLength(alice.length);

    const sample = alice[5]!;
    const video = (await (await call(`/api/v1/videos/${sample.id}`)).json()) as VideoView;
    const created = new Date(sample.createTime * 1000);
    expect(video).toMatchObject({
      id: sample.id,
      status: "uploaded",
      desc: sample.description,
      author_username: "archive.alice",
      views: sample.views,
      likes: sample.likes,
      comments: sample.comments,
      created_at_tiktok: created.toISOString(),
      has_watermark: false,
      drive_folder_path: `TikTok/profile/archive.alice/${created.getUTCFullYear()}/${String(created.getUTCMonth() + 1).padStart(2, "0")}`,
    });
    expect(video.hashtags.sort()).toEqual([...sample.hashtags].sort());
    expect(video.file_size).toBeGreaterThan(1000);
    expect(video.duration).toBeCloseTo(sample.durationSeconds, 0);

    // The signed link serves the stored file.
    const link = detail.drive_links.find((l) => l.video_id === sample.id)!;
    const file = await fetch(link.video_link);
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBe(video.file_size);

    // A late joiner is told the final state at once.
    const late = watch(job.id, key);
    expect((await withTimeout(late.done, 10_000, "the late joiner's state")).job.status).toBe("completed");
    late.close();

    // The checksums the transcoder declared when it uploaded the videos are on their rows before any archive
    // is asked for (the archive computes missing ones itself, so this is checked first).
    const unrecorded = localD1(
      stack().persistDir,
      "SELECT count(*) AS n FROM files f JOIN archiver_videos v ON v.file_id = f.id WHERE v.job_id = ? AND f.crc32 IS NULL",
      job.id,
    );
    expect(unrecorded[0]?.n).toBe(0);
    const zipRes = await call(`/api/v1/jobs/${job.id}/archive.zip`);
    expect(zipRes.status).toBe(200);
    // The reader checks every entry's bytes against the CRC-32 the archive wrote: the recorded ones.
    const zip = zipEntries(new Uint8Array(await zipRes.arrayBuffer()));
    expect(zip.size).toBe(alice.length + 1);
    expect(zip.get(`${video.drive_folder_path}/${sample.id}.mp4`)?.byteLength).toBe(video.file_size);
    const metadata = JSON.parse(new TextDecoder().decode(zip.get("metadata.json"))) as { videos: { id: string }[] };
    expect(metadata.videos).toHaveLength(alice.length);
  });

  it("should apply since / until, and never download a video another job archived", async () => {
    const key = await importedKey();
    const call = client(key);
    const carol = userVideos("archive.carol")!;
    const since = carol[10]!.createTime;
    const until = carol[3]!.createTime;
    const windowed = await createJob(key, { mode: "profile", value: "archive.carol", since: new Date(since * 1000).toISOString(), until: new Date(until * 1000).toISOString() });
    const first = watch(windowed.id, key);
    const firstFinal = await withTimeout(first.done, 120_000, "carol's window");
    expect(firstFinal.job.total_videos).toBe(videosBetween(carol, since, until).length);
    expect(firstFinal.job.successful_downloads).toBe(videosBetween(carol, since, until).length);

    await fetch(`${stack().fixtureOrigin}/__reset`, { method: "POST" });
    const tagged = await createJob(key, { mode: "hashtag", value: FIXTURE_TAG, limit: 200 });
    const second = watch(tagged.id, key);
    const final = await withTimeout(second.done, 150_000, "the hashtag job");
    const tagVideos = hashtagVideos(FIXTURE_TAG)!;
    expect(final.job).toMatchObject({ status: "completed", total_videos: tagVideos.length, successful_downloads: tagVideos.length });

    const hits = await fixtureHits();
    const fetchedAgain = tagVideos.filter((v) => (v.author === "archive.alice" || videosBetween(carol, since, until).some((c) => c.id === v.id)) && hits[`/tiktok/media/${v.id}.mp4`]);
    expect(fetchedAgain.map((v) => v.id)).toEqual([]);
    const fresh = tagVideos.filter((v) => v.author === "archive.bob");
    expect(fresh.every((v) => hits[`/tiktok/media/${v.id}.mp4`] === 1)).toBe(true);

    const aliceTagged = tagVideos.find((v) => v.author === "archive.alice")!;
    const shown = (await (await call(`/api/v1/videos/${aliceTagged.id}`)).json()) as { job_id: string };
    expect(shown.job_id).not.toBe(tagged.id);
    const filtered = (await (await call(`/api/v1/videos?hashtag=${FIXTURE_TAG}&author_username=archive.bob&limit=100`)).json()) as { total: number; videos: VideoView[] };
    expect(filtered.total).toBe(fresh.length);
  });

  it("should count partly failing videos exactly, and retry a failed one as part of its job", async () => {
    const key = await importedKey();
    const call = client(key);
    const flaky = userVideos("archive.flaky")!;
    const broken = flaky.filter((v) => v.broken);
    const job = await createJob(key, { mode: "profile", value: "archive.flaky" });
    const final = await withTimeout(watch(job.id, key).done, 180_000, "the flaky job");
    expect(final.job).toMatchObject({ status: "completed", total_videos: flaky.length, successful_downloads: flaky.length - broken.length, failed_downloads: broken.length });
    const failed = (await (await call(`/api/v1/videos?value=archive.flaky&status=failed`)).json()) as { total: number; videos: VideoView[] };
    expect(failed.total).toBe(broken.length);
    expect(failed.videos.every((v) => v.error_message)).toBe(true);

    // A video whose page is gone fails at once (not retried with backoff), so the retry settles quickly.
    const gone = broken.find((v) => v.broken === "page")!;
    const retried = await call(`/api/v1/videos/${gone.id}/retry`, { method: "POST" });
    expect(retried.status, await retried.clone().text()).toBe(200);
    expect(((await retried.json()) as VideoView).status).toBe("pending");
    const again = await withTimeout(watch(job.id, key).done, 180_000, "the retried video");
    // Still broken at the source: it fails again, and is counted once.
    expect(again.job).toMatchObject({ status: "completed", failed_downloads: broken.length, successful_downloads: flaky.length - broken.length });
    expect((await call(`/api/v1/videos/${flaky.find((v) => !v.broken)!.id}/retry`, { method: "POST" })).status).toBe(409);
    expect(catalogueVideo(gone.id)?.broken).toBe("page");
  });

  it("should stop a cancelled job's pending work and leave nothing half-written, and delete a job with its files", async () => {
    const key = await importedKey();
    const call = client(key);
    const { persistDir } = stack();
    const job = await createJob(key, { mode: "profile", value: "archive.bulk", limit: 100 });
    const live = watch(job.id, key);
    await withTimeout(
      (async () => {
        while (!live.messages.some((m) => m.job.successful_downloads >= 3)) await new Promise((r) => setTimeout(r, 100));
      })(),
      120_000,
      "three archived videos",
    );
    const cancelled = await call(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { status: string }).status).toBe("cancelled");
    const final = await withTimeout(live.done, 60_000, "the cancelled job's final message");
    expect(final.job.status).toBe("cancelled");
    expect(final.job.successful_downloads).toBeLessThan(100);

    await new Promise((r) => setTimeout(r, 3000));
    const uploaded = (await (await call(`/api/v1/videos?value=archive.bulk&status=uploaded&limit=500`)).json()) as { total: number; videos: VideoView[] };
    const prefix = "TikTok/profile/archive.bulk/";
    const stored = localR2Keys(persistDir, prefix);
    // Every stored object is a registered file of an archived video: its video and its metadata.json.
    expect(stored).toHaveLength(uploaded.total * 2);
    const uploadedIds = new Set(uploaded.videos.map((v) => v.id));
    expect(stored.every((k) => uploadedIds.has(k.split("/")[5]!))).toBe(true);
    const registered = localD1(persistDir, "SELECT count(*) AS n FROM files WHERE substr(r2_key, 1, ?) = ?", prefix.length, prefix);
    expect(registered[0]!.n).toBe(stored.length);

    const deleted = await call(`/api/v1/jobs/${job.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(localR2Keys(persistDir, prefix)).toEqual([]);
    expect((await call(`/api/v1/jobs/${job.id}`)).status).toBe(404);
  });

  it("should answer the document's curl examples (with the key the document configures)", async () => {
    const key = await importedKey();
    const base = `${stack().workerUrl}/api/v1`;
    const curl = async (...args: string[]) => {
      const { stdout } = await run("curl", ["-sS", "-H", `X-API-Key: ${key}`, "-w", "\n%{http_code}", ...args]);
      const at = stdout.lastIndexOf("\n");
      return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
    };
    const created = await curl("-X", "POST", `${base}/jobs`, "-H", "Content-Type: application/json", "-d", '{\n    "mode": "profile",\n    "value": "archive.bob",\n    "limit": 50,\n    "no_watermark": true\n  }');
    expect(created.status).toBe(201);
    const job = JSON.parse(created.body) as { id: string };
    const status = await curl(`${base}/jobs/${job.id}`);
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ job: { id: job.id, mode: "profile", value: "archive.bob" }, videos: expect.any(Array), drive_links: expect.any(Array) });
    const videos = await curl(`${base}/videos?mode=profile&value=archive.bob&limit=20`);
    expect(videos.status).toBe(200);
    expect(JSON.parse(videos.body)).toMatchObject({ total: expect.any(Number), videos: expect.any(Array) });
    const unauthorized = await run("curl", ["-sS", "-w", "\n%{http_code}", `${base}/jobs/${job.id}`]);
    expect(unauthorized.stdout.endsWith("401")).toBe(true);
    await withTimeout(watch(job.id, key).done, 120_000, "bob's job");
  });
});
