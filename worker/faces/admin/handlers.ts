import { approveUser as approve, listUsersByStatus } from "../../auth/users";
import type { AppRouteHandler } from "../../lib/app-context";
import type { TaskRow } from "../../db/schema";
import { listTasks as list, retryDeadTask } from "../../tasks/engine";
import type * as R from "./routes";

export const approveUser: AppRouteHandler<R.ApproveUserRoute> = async (c) => {
  const { username } = c.req.valid("param");
  const user = await approve(c.env, username);
  if (!user) return c.json({ status: "error", message: "User not found." }, 404);
  return c.json({ status: "success", message: `User ${user.username} approved.` }, 200);
};

export const listPendingUsers: AppRouteHandler<R.ListPendingUsersRoute> = async (c) => {
  const rows = await listUsersByStatus(c.env, "pending");
  return c.json(
    { status: "success" as const, users: rows.map((u) => ({ username: u.username, email: u.email, created_at: u.createdAt.toISOString() })) },
    200,
  );
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const taskView = (t: TaskRow) => ({
  id: t.id,
  kind: t.kind,
  face: t.face,
  priority: t.priority,
  status: t.status,
  attempts: t.attempts,
  max_retries: t.maxRetries,
  progress: t.progress,
  error_code: t.errorCode,
  error_message: t.errorMessage,
  created_at: t.createdAt.toISOString(),
  updated_at: t.updatedAt.toISOString(),
  finished_at: iso(t.finishedAt),
});

export const listTasks: AppRouteHandler<R.ListTasksRoute> = async (c) => {
  const rows = await list(c.env, c.req.valid("query"));
  return c.json({ status: "success" as const, tasks: rows.map(taskView) }, 200);
};

export const retryTask: AppRouteHandler<R.RetryTaskRoute> = async (c) => {
  const outcome = await retryDeadTask(c.env, c.req.valid("param").id);
  if (outcome === "not_found") return c.json({ status: "error", message: "Task not found." }, 404);
  if (outcome === "not_dead") return c.json({ status: "error", message: "Only a dead task can be retried (this one is not dead, or a retry already reopened it)." }, 409);
  return c.json({ status: "success" as const, task: taskView(outcome) }, 200);
};
