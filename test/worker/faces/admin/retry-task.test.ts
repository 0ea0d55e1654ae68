/**
 * POST /api/admin/tasks/{id}/retry: an admin puts a dead task back in the queue through the engine's own
 * reopen, and the queue consumer runs it again; any other status is refused with 409, non-admins with 403.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { submitTask, waitForTask } from "../../../../worker/tasks/engine";
import { TaskError } from "../../../../worker/tasks/errors";
import { registerTaskKind } from "../../../../worker/tasks/registry";
import { call } from "../../support/http";
import { insertTask } from "../../support/tasks";
import { createUser } from "../../support/users";

// Fails for good on its first run (a marker in R2 says it ran), succeeds on any later one: a task that
// only an explicit retry can bring back.
registerTaskKind("test.admin-retry", {
  run: async (ctx) => {
    const marker = `test-admin-retry/${ctx.task.id}`;
    if (!(await env.MEDIA.head(marker))) {
      await env.MEDIA.put(marker, "ran");
      throw new TaskError("test.broken", "the first run breaks", false);
    }
    return { ran: "again" };
  },
});

// A parent whose finishing run ends at once, and a child that succeeds: for the child retry's bookkeeping.
registerTaskKind("test.admin-retry-parent", { run: async () => ({ finished: true }) });
registerTaskKind("test.admin-retry-child", { run: async () => ({ child: "done" }) });

interface TaskView {
  id: string;
  status: string;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
}

describe("admin: retry a dead task", () => {
  it("should queue a dead task again and let the consumer run it", async () => {
    const admin = await createUser(env, { role: "admin" });
    const { task } = await submitTask(env, { kind: "test.admin-retry", payload: {}, maxRetries: 0 });
    const { task: dead } = await waitForTask(env, task.id, 20_000);
    expect(dead).toMatchObject({ status: "dead", errorCode: "test.broken" });

    const listed = await call("/api/admin/tasks?status=dead", { headers: admin.auth });
    const { tasks } = (await listed.json()) as { tasks: TaskView[] };
    expect(tasks.find((t) => t.id === task.id)).toMatchObject({ error_code: "test.broken", error_message: "the first run breaks" });

    const res = await call(`/api/admin/tasks/${task.id}/retry`, { method: "POST", headers: admin.auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; task: TaskView };
    expect(body).toMatchObject({ status: "success", task: { id: task.id, status: "queued", attempts: 0, error_code: null, error_message: null } });

    const { task: done } = await waitForTask(env, task.id, 20_000);
    expect(done).toMatchObject({ status: "succeeded", attempts: 1, result: { ran: "again" } });
  });

  it("should reopen a dead child through its parent, which counts it again and finishes once more", async () => {
    const admin = await createUser(env, { role: "admin" });
    const finished = new Date();
    const parent = await insertTask(env, { kind: "test.admin-retry-parent", status: "dead", childrenTotal: 1, childrenFailed: 1, finishedAt: finished });
    const child = await insertTask(env, {
      kind: "test.admin-retry-child",
      status: "dead",
      parentId: parent.id,
      countedInParent: true,
      attempts: 1,
      errorCode: "test.broken",
      finishedAt: finished,
    });
    const res = await call(`/api/admin/tasks/${child.id}/retry`, { method: "POST", headers: admin.auth });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { task: TaskView }).task).toMatchObject({ id: child.id, status: "queued", attempts: 0 });

    expect((await waitForTask(env, child.id, 20_000)).task).toMatchObject({ status: "succeeded", result: { child: "done" } });
    const { task: again } = await waitForTask(env, parent.id, 20_000);
    expect(again).toMatchObject({ status: "succeeded", childrenSucceeded: 1, childrenFailed: 0, result: { finished: true } });
  });

  it("should refuse a task that is not dead with 409 and an unknown id with 404", async () => {
    const admin = await createUser(env, { role: "admin" });
    const done = await insertTask(env, { kind: "test.admin-retry", status: "succeeded", finishedAt: new Date() });
    const res = await call(`/api/admin/tasks/${done.id}/retry`, { method: "POST", headers: admin.auth });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: "error", message: expect.stringContaining("dead") });
    const unknown = await call(`/api/admin/tasks/${crypto.randomUUID()}/retry`, { method: "POST", headers: admin.auth });
    expect(unknown.status).toBe(404);
  });

  it("should keep the retry for admins", async () => {
    const user = await createUser(env);
    const dead = await insertTask(env, { kind: "test.admin-retry", status: "dead", errorCode: "test.broken", finishedAt: new Date() });
    const res = await call(`/api/admin/tasks/${dead.id}/retry`, { method: "POST", headers: user.auth });
    expect(res.status).toBe(403);
    const anonymous = await call(`/api/admin/tasks/${dead.id}/retry`, { method: "POST" });
    expect(anonymous.status).toBe(401);
  });
});
