/**
 * `GET /videos` with every documented filter: the right rows and totals, newest first, and each filter's
 * page and count queries reading an index rather than every video (checked on their query plans).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { videoQueries } from "../../../../worker/faces/archiver/videos";
import type { VideoFilters } from "../../../../worker/faces/archiver/schemas";
import { archiverKey, callWith, seedJob, seedVideo } from "./support";

const filters = (f: Partial<VideoFilters>): VideoFilters => ({ limit: 50, offset: 0, ...f });

async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
  const { sql, params } = query.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((r) => r.detail).join(" | ");
}

describe("seed 004 GET /videos", () => {
  it("should filter by mode, value, author, hashtag and status, newest first, with the total under the filters", async () => {
    const get = callWith(await archiverKey(env));
    const value = `lister-${crypto.randomUUID().slice(0, 8)}`;
    const job = await seedJob(env, { value }, { status: "succeeded" });
    const at = (m: number) => new Date(Date.UTC(2025, 0, 1, 0, m));
    const a = await seedVideo(env, job.id, { value, authorUsername: `${value}-a`, hashtags: ["cats", "funny"], createdAt: at(1) });
    const b = await seedVideo(env, job.id, { value, authorUsername: `${value}-b`, hashtags: ["funny"], status: "failed", createdAt: at(2) }, { position: 1 });
    const c = await seedVideo(env, job.id, { value, mode: "hashtag", authorUsername: `${value}-a`, hashtags: [`${value}tag`], createdAt: at(3) }, { position: 2 });
    const list = async (q: string) => (await (await get(`/api/v1/videos?${q}`)).json()) as { total: number; videos: { id: string }[] };

    expect(await list(`value=${value}`)).toMatchObject({ total: 3, videos: [{ id: c.id }, { id: b.id }, { id: a.id }] });
    expect((await list(`mode=profile&value=${value}`)).videos.map((v) => v.id)).toEqual([b.id, a.id]);
    expect((await list(`author_username=${value}-a`)).videos.map((v) => v.id)).toEqual([c.id, a.id]);
    expect((await list(`hashtag=${value}tag`)).videos.map((v) => v.id)).toEqual([c.id]);
    expect((await list(`hashtag=%23${value}TAG`)).total).toBe(1);
    expect((await list(`value=${value}&status=failed`)).videos.map((v) => v.id)).toEqual([b.id]);
    expect(await list(`value=${value}&limit=1&offset=1`)).toMatchObject({ total: 3, videos: [{ id: b.id }] });
    const full = (await (await get(`/api/v1/videos/${a.id}`)).json()) as Record<string, unknown>;
    expect(Object.keys(full).sort()).toEqual(
      ["id", "job_id", "url", "desc", "author_username", "author_nickname", "views", "likes", "comments", "shares", "created_at_tiktok", "hashtags", "music_title", "has_watermark", "file_size", "duration", "drive_file_id", "drive_folder_path", "status", "error_message"].sort(),
    );
    expect((await get("/api/v1/videos?status=lost")).status).toBe(422);
    expect((await get("/api/v1/videos?limit=0")).status).toBe(422);
  });

  it.each([
    ["no filter", {}, "archiver_videos_created_idx"],
    ["mode and value", { mode: "profile", value: "x" }, "archiver_videos_value_idx"],
    ["author", { author_username: "x" }, "archiver_videos_author_idx"],
    ["status", { status: "uploaded" }, "archiver_videos_status_idx"],
    ["hashtag", { hashtag: "x" }, "sqlite_autoindex_archiver_video_hashtags_1"],
  ] as const)("should read a page by %s through an index, without sorting", async (_name, f, index) => {
    const { page, count } = videoQueries(env, filters(f as Partial<VideoFilters>));
    const pagePlan = await plan(page);
    expect(pagePlan, pagePlan).toContain(index);
    expect(pagePlan, pagePlan).not.toMatch(/TEMP B-TREE/);
    expect(pagePlan, pagePlan).not.toMatch(/SCAN archiver_videos(?! USING)/);
    const countPlan = await plan(count);
    expect(countPlan, countPlan).not.toMatch(/SCAN archiver_videos(?! USING)/);
    // The count reads an index alone, never the rows (a total over many matches must not touch each row).
    expect(countPlan, countPlan).toMatch(/COVERING INDEX/);
    expect(countPlan, countPlan).not.toMatch(/USING INDEX (?!.*COVERING)|USING INTEGER PRIMARY KEY|sqlite_autoindex_archiver_videos_1/);
  });
});
