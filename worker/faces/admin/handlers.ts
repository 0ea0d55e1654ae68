import { approveUser as approve, listUsersByStatus } from "../../auth/users";
import type { AppRouteHandler } from "../../lib/app-context";
import { listTasks as list } from "../../tasks/engine";
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

export const listTasks: AppRouteHandler<R.ListTasksRoute> = async (c) => {
  const query = c.req.valid("query");
  const rows = await list(c.env, query);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return c.json(
    {
      status: "success" as const,
      tasks: rows.map((t) => ({
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
      })),
    },
    200,
  );
};

