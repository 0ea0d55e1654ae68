/**
 * POST /download answered from the download cache (a succeeded media.fetch task), through the Worker's
 * own fetch handler: the hand-out must keep the files alive for the client that was just given their
 * URLs, and must work for posts with more files than one D1 statement may list.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mediaFetchKey } from "../../../../worker/media/fetch-media";
import { runScheduled } from "../../../../worker/scheduled";
import { resolveSource } from "../../../../worker/sources/resolve";
import { seedSucceededFetch } from "../../support/cached-fetch";
import { call, postJson } from "../../support/http";

/** Resolved offline: a canonical TikTok video URL needs no request. */
const TIKTOK_URL = "https://www.tiktok.com/@scout2015/video/6718335390845095173";

/** The key the saver's submission gets for this URL (its selection, as in faces/saver/service.ts). */
async function saverKeyFor(url: string): Promise<string> {
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(`fixture URL did not resolve: ${resolved.message}`);
  return mediaFetchKey({
    service: "tiktok",
    sourceId: resolved.source.id,
    select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" },
  });
}

describe("POST /download from the cache", () => {
  it("should restart the idle clock of the files it hands out, so the next cron pass keeps them", async () => {
    const key = await saverKeyFor(TIKTOK_URL);
    // Last read 29 minutes ago: one minute short of FILE_IDLE_TTL_SECONDS (1800).
    await seedSucceededFetch(env, { idempotencyKey: key, outputs: 1, lastAccessedAt: Date.now() - 29 * 60_000 });

    const res = await postJson("/download", { url: TIKTOK_URL });
    expect(res.status).toBe(200);
    const { files } = (await res.json()) as { files: { name: string; url: string }[] };
    expect(files).toHaveLength(1);

    const report = await runScheduled(env, Date.now() + 2 * 60_000);
    expect(report["collect-idle-files"]).toMatchObject({ ok: true });

    const stream = await call(files[0]!.url);
    expect(stream.status).toBe(200);
    expect((await stream.arrayBuffer()).byteLength).toBe(64);
  });

  it("should hand out a cached post of 101 files (more ids than one statement may bind)", async () => {
    const key = await saverKeyFor("https://www.tiktok.com/@scout2015/video/6718335390845095174");
    await seedSucceededFetch(env, { idempotencyKey: key, outputs: 101, lastAccessedAt: Date.now() - 60 * 60_000 });

    const res = await postJson("/download", { url: "https://www.tiktok.com/@scout2015/video/6718335390845095174" });
    expect(res.status).toBe(200);
    const { files } = (await res.json()) as { files: { name: string }[] };
    expect(files.map((f) => f.name)).toEqual(Array.from({ length: 101 }, (_, i) => `6718335390845095174_${i + 1}.mp4`));
  });
});
