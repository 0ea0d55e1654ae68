/**
 * The queue manager's verbs (scripts/queue.mjs) against the real stack: `add` queues a job with its priority
 * and retries, `list` (with a status filter) and `stats` show what the API shows, the API's errors come out
 * on stderr with a failing exit code, and STUDIO_API_TOKEN is sent as the bearer (a platform JWT here, so the
 * job is that account's).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/processes";
import { adminCli } from "./support/admin-cli";
import { api, postJson, stack, uniqueId } from "./support/client";

const run = promisify(execFile);

interface Job {
  job_id: string;
  url: string;
  priority: number;
  status: string;
  attempts: number;
  max_retries: number;
}

async function queueCli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ["scripts/queue.mjs", ...args], {
    cwd: repoRoot,
    env: { ...process.env, STUDIO_API_URL: stack().workerUrl, STUDIO_API_TOKEN: "", ...env },
  });
  return stdout;
}

async function queueCliFailure(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await queueCli(args);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`queue ${args.join(" ")} succeeded`);
}

async function settled(id: string): Promise<Job> {
  const deadline = Date.now() + 200_000;
  for (;;) {
    const job = (await (await api(`/api/v1/queue/jobs/${id}`)).json()) as Job;
    if (job.status === "completed" || job.status === "failed") return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe("npm run queue", () => {
  it("should add a job with its priority and retries, and list and count it as the API does", { timeout: 240_000 }, async () => {
    // The fixture TikTok answers 404 for this post: the job fails without running a whole process (other
    // tests cover those).
    const url = "https://www.tiktok.com/@gone/video/7000000000000000404";
    const out = await queueCli(["add", "-u", url, "-p", "8", "-r", "2"]);
    const id = /^Job added: (\S+) \(priority 8, max_retries 2\)$/m.exec(out)?.[1];
    expect(id, out).toBeDefined();
    expect(await (await api(`/api/v1/queue/jobs/${id}`)).json()).toMatchObject({ success: true, job_id: id, url, priority: 8, max_retries: 2 });

    const job = await settled(id!);
    console.log(`queue job for a 404 post: ${JSON.stringify(job)}`);
    expect(job.status).toBe("failed");
    expect(job.attempts).toBeGreaterThanOrEqual(1);
    expect(job.attempts).toBeLessThanOrEqual(3);
    const listed = JSON.parse(await queueCli(["list", "-s", job.status, "--json"])) as { jobs: Job[]; total: number };
    expect(listed.jobs.map((j) => j.job_id)).toContain(id);
    expect(listed.jobs.every((j) => j.status === job.status)).toBe(true);
    const other = job.status === "completed" ? "failed" : "completed";
    expect((JSON.parse(await queueCli(["list", "--status", other, "--json"])) as { jobs: Job[] }).jobs.map((j) => j.job_id)).not.toContain(id);
    expect(await queueCli(["list"])).toContain(id);

    const fromApi = (await (await api("/api/v1/queue/stats")).json()) as Record<string, number>;
    expect(JSON.parse(await queueCli(["stats", "--json"]))).toEqual(fromApi);
    const text = await queueCli(["stats"]);
    expect(text).toContain(`Total: ${fromApi.total}`);
    expect(text).toContain(`Pending: ${fromApi.pending}`);
    expect(fromApi.total).toBeGreaterThanOrEqual(1);
  });

  it("should print the API's error and exit non-zero for an out-of-range priority or an unknown job", async () => {
    const bad = await queueCliFailure(["add", "-u", `https://www.tiktok.com/@queuecli/video/${uniqueId()}`, "-p", "11"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 400: .*priority/i);
    const missing = await queueCliFailure(["get", "no-such-job"]);
    expect(missing.stderr).toContain("HTTP 404: Job not found");
  });

  it("should send STUDIO_API_TOKEN as the bearer token", async () => {
    const username = `queuecli_${uniqueId().slice(-8)}`;
    expect((await postJson("/api/register", { username, email: `${username}@example.test`, password: "test123" })).status).toBeLessThan(300);
    await adminCli(["approve", username]);
    const login = (await (await postJson("/api/login", { username, password: "test123" })).json()) as { access_token: string };
    const asUser = { STUDIO_API_TOKEN: login.access_token };

    const added = JSON.parse(await queueCli(["add", "-u", `https://www.tiktok.com/@queuecli/video/${uniqueId()}`, "--json"], asUser)) as Job;
    expect(added).toMatchObject({ priority: 5, max_retries: 3 });
    const mine = JSON.parse(await queueCli(["list", "--json"], asUser)) as { jobs: Job[]; total: number };
    expect(mine.jobs.map((j) => j.job_id)).toEqual([added.job_id]);
    const anonymous = JSON.parse(await queueCli(["list", "--json", "-l", "100"])) as { jobs: Job[] };
    expect(anonymous.jobs.map((j) => j.job_id)).not.toContain(added.job_id);
  });
});
