/**
 * Seed 004's scheduled jobs over HTTP: create with the document's defaults, get, list with the `enabled`
 * filter, partial PATCH, toggle, delete, validation (interval below 5 minutes, a value with @ or #) and 404s,
 * and the run counters counted from the jobs each schedule created. Each test uses a fresh key: the face's
 * rate limit (burst 20 per key) is the document's.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { archiverJobs, archiverSchedules } from "../../../../worker/db/schema";
import type { ScheduleView } from "../../../../worker/faces/archiver/schedules-schemas";
import { archiverKey, callWith, seedJob } from "./support";

const BASE = "/api/v1/scheduled-jobs";
const DOC_BODY = { name: "Daily Scrape - @khaby.lame", mode: "profile", value: "khaby.lame", interval_minutes: 1440 };

async function client() {
  const call = callWith(await archiverKey(env));
  const json = async <T = ScheduleView>(path: string, method = "GET", body?: unknown) => {
    const res = await call(path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
  };
  const create = async (body: Record<string, unknown> = {}) => {
    const res = await json(BASE, "POST", { ...DOC_BODY, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  return { call, json, create };
}

const setRow = (id: string, values: Partial<typeof archiverSchedules.$inferInsert>) =>
  getDb(env).update(archiverSchedules).set(values).where(eq(archiverSchedules.id, id));

describe("seed 004 scheduled jobs", () => {
  it("should create with the document's defaults, due at once, and read it back", async () => {
    const api = await client();
    const before = Date.now();
    const created = await api.create();
    const after = Date.now();
    expect(created).toEqual({
      id: expect.any(String),
      name: "Daily Scrape - @khaby.lame",
      mode: "profile",
      value: "khaby.lame",
      limit: 50,
      no_watermark: true,
      interval_minutes: 1440,
      enabled: true,
      last_run_at: null,
      next_run_at: expect.any(String),
      total_runs: 0,
      successful_runs: 0,
      failed_runs: 0,
      created_at: expect.any(String),
    });
    // Due at once: the next cron pass starts the first run.
    expect(Date.parse(created.next_run_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(created.next_run_at)).toBeLessThanOrEqual(after);

    expect(await api.json(`${BASE}/${created.id}`)).toEqual({ status: 200, body: created });
    const explicit = await api.create({ mode: "hashtag", value: "funny", limit: 7, no_watermark: false, enabled: false, interval_minutes: 5 });
    expect(explicit).toMatchObject({ mode: "hashtag", value: "funny", limit: 7, no_watermark: false, enabled: false, interval_minutes: 5 });
  });

  it("should refuse an interval below 5 minutes, a value with @ or #, and bad fields, with 422 {detail: [{loc, msg, type}]}", async () => {
    const api = await client();
    const below = await api.json<{ detail: { loc: string[]; msg: string }[] }>(BASE, "POST", { ...DOC_BODY, interval_minutes: 4 });
    expect(below.status).toBe(422);
    expect(below.body.detail[0]).toMatchObject({ loc: ["body", "interval_minutes"], msg: expect.any(String), type: expect.any(String) });

    for (const value of ["@khaby.lame", "#funny"]) {
      const res = await api.json<{ detail: { loc: string[]; msg: string }[] }>(BASE, "POST", { ...DOC_BODY, value });
      expect(res.status, value).toBe(422);
      expect(res.body.detail[0]?.loc).toEqual(["body", "value"]);
      expect(res.body.detail[0]?.msg).toMatch(/without a leading @ .* or #/);
    }
    for (const bad of [{ name: "" }, { limit: 0 }, { limit: 201 }, { mode: "user" }, { interval_minutes: 5.5 }]) {
      expect((await api.json(BASE, "POST", { ...DOC_BODY, ...bad })).status, JSON.stringify(bad)).toBe(422);
    }
    const { name: _omitted, ...nameless } = DOC_BODY;
    expect((await api.json(BASE, "POST", nameless)).status).toBe(422);

    const made = await api.create({ interval_minutes: 5 });
    expect((await api.json(`${BASE}/${made.id}`, "PATCH", { interval_minutes: 4 })).status).toBe(422);
    expect((await api.json(`${BASE}/${made.id}`, "PATCH", { value: "@someone" })).status).toBe(422);
    expect((await api.json(`${BASE}/${made.id}`)).body.interval_minutes).toBe(5);
  });

  it("should PATCH only the fields given, and recount next_run_at from the last run when the interval changes", async () => {
    const api = await client();
    const made = await api.create({ limit: 20 });

    const renamed = await api.json(`${BASE}/${made.id}`, "PATCH", { name: "Renamed" });
    expect(renamed).toEqual({ status: 200, body: { ...made, name: "Renamed" } });

    // Never ran: a new interval leaves it due at once.
    const faster = await api.json(`${BASE}/${made.id}`, "PATCH", { interval_minutes: 60, no_watermark: false });
    expect(faster.body).toEqual({ ...made, name: "Renamed", interval_minutes: 60, no_watermark: false });

    const lastRun = Date.parse("2030-03-01T10:00:00.000Z");
    await setRow(made.id, { lastRunAt: new Date(lastRun), nextRunAt: new Date(lastRun + 60 * 60_000) });
    const slower = await api.json(`${BASE}/${made.id}`, "PATCH", { interval_minutes: 180 });
    expect(slower.body).toMatchObject({ interval_minutes: 180, last_run_at: "2030-03-01T10:00:00.000Z", next_run_at: "2030-03-01T13:00:00.000Z", limit: 20 });

    const moved = await api.json(`${BASE}/${made.id}`, "PATCH", { mode: "hashtag", value: "cats", limit: 3 });
    expect(moved.body).toMatchObject({ mode: "hashtag", value: "cats", limit: 3, interval_minutes: 180, next_run_at: "2030-03-01T13:00:00.000Z" });
  });

  it("should toggle: disabling keeps next_run_at, enabling makes a past one due now and keeps a future one", async () => {
    const api = await client();
    const made = await api.create();

    const off = await api.json(`${BASE}/${made.id}/toggle`, "POST");
    expect(off).toEqual({ status: 200, body: { ...made, enabled: false } });

    const past = new Date(Date.now() - 3 * 86_400_000);
    await setRow(made.id, { nextRunAt: past });
    const before = Date.now();
    const on = await api.json(`${BASE}/${made.id}/toggle`, "POST");
    expect(on.body.enabled).toBe(true);
    expect(Date.parse(on.body.next_run_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(on.body.next_run_at)).toBeLessThanOrEqual(Date.now());

    expect((await api.json(`${BASE}/${made.id}/toggle`, "POST")).body.enabled).toBe(false);
    const future = "2031-01-01T00:00:00.000Z";
    await setRow(made.id, { nextRunAt: new Date(future) });
    expect((await api.json(`${BASE}/${made.id}/toggle`, "POST")).body).toMatchObject({ enabled: true, next_run_at: future });

    // PATCH enabled follows the same rule.
    await api.json(`${BASE}/${made.id}`, "PATCH", { enabled: false });
    await setRow(made.id, { nextRunAt: past });
    const patched = await api.json(`${BASE}/${made.id}`, "PATCH", { enabled: true });
    expect(Date.parse(patched.body.next_run_at)).toBeGreaterThanOrEqual(before);
  });

  it("should filter the list by enabled (true / false as query strings)", async () => {
    const api = await client();
    const on = await api.create({ name: "on" });
    const off = await api.create({ name: "off", enabled: false });

    const ids = async (query: string) => {
      const res = await api.json<ScheduleView[]>(`${BASE}${query}`);
      expect(res.status).toBe(200);
      return res.body.map((s) => s.id);
    };
    const enabled = await ids("?enabled=true");
    expect(enabled).toContain(on.id);
    expect(enabled).not.toContain(off.id);
    const disabled = await ids("?enabled=false");
    expect(disabled).toContain(off.id);
    expect(disabled).not.toContain(on.id);
    expect(await ids("")).toEqual(expect.arrayContaining([on.id, off.id]));
    expect((await api.json(`${BASE}?enabled=maybe`)).status).toBe(422);
  });

  it("should answer 404 {detail} for a schedule that does not exist, on every route with an id", async () => {
    const api = await client();
    const id = crypto.randomUUID();
    for (const [method, path, body] of [
      ["GET", `${BASE}/${id}`],
      ["PATCH", `${BASE}/${id}`, { name: "x" }],
      ["POST", `${BASE}/${id}/toggle`],
      ["DELETE", `${BASE}/${id}`],
    ] as const) {
      expect(await api.json(path, method, body), `${method} ${path}`).toEqual({ status: 404, body: { detail: "Scheduled job not found" } });
    }
  });

  it("should delete with 204 and no body, leaving the jobs it created in place", async () => {
    const api = await client();
    const made = await api.create();
    const job = await seedJob(env, { scheduleId: made.id }, { status: "succeeded" });

    const res = await api.call(`${BASE}/${made.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await api.json(`${BASE}/${made.id}`)).status).toBe(404);
    const kept = await getDb(env).select().from(archiverJobs).where(eq(archiverJobs.id, job.id)).get();
    expect(kept?.scheduleId).toBe(made.id);
  });

  it("should count each schedule's runs from its jobs: completed are successful, failed are failed, all are total", async () => {
    const api = await client();
    const busy = await api.create({ name: "busy" });
    const quiet = await api.create({ name: "quiet" });
    for (const status of ["succeeded", "expired", "dead", "dead", "cancelled", "running", "queued"] as const) {
      await seedJob(env, { scheduleId: busy.id }, { status });
    }
    await seedJob(env, { scheduleId: quiet.id }, { status: "succeeded" });
    await seedJob(env, {}, { status: "dead" });

    const runs = (s: ScheduleView) => [s.total_runs, s.successful_runs, s.failed_runs];
    expect(runs((await api.json(`${BASE}/${busy.id}`)).body)).toEqual([7, 2, 2]);
    expect(runs((await api.json(`${BASE}/${quiet.id}`)).body)).toEqual([1, 1, 0]);
    const listed = new Map((await api.json<ScheduleView[]>(BASE)).body.map((s) => [s.id, runs(s)]));
    expect(listed.get(busy.id)).toEqual([7, 2, 2]);
    expect(listed.get(quiet.id)).toEqual([1, 1, 0]);

    // A deleted job is no longer a run.
    const gone = await seedJob(env, { scheduleId: quiet.id }, { status: "dead" });
    expect(runs((await api.json(`${BASE}/${quiet.id}`)).body)).toEqual([2, 1, 1]);
    await getDb(env).delete(archiverJobs).where(eq(archiverJobs.id, gone.id));
    expect(runs((await api.json(`${BASE}/${quiet.id}`)).body)).toEqual([1, 1, 0]);
  });
});
