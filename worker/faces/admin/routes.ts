/**
 * Operations API for admins (no seed's): approving accounts, the tasks view (`status=dead` is the
 * dead-letter view). In seed 001's `{status, message}` shape, since it shares the /api prefix.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { TASK_STATUSES } from "../../db/schema";
import { converterErrors, errorResponse, StatusMessage } from "../../lib/error-format";
import { json } from "../../lib/openapi";

export const approveUser = createRoute({
  method: "post",
  path: "/api/admin/users/{username}/approve",
  tags: ["Operations"],
  summary: "Approve a pending account (admin)",
  request: { params: z.object({ username: z.string().max(64).openapi({ param: { name: "username", in: "path" } }) }) },
  responses: {
    200: json(StatusMessage, "Approved"),
    401: errorResponse(converterErrors, 401, "Authentication required"),
    403: errorResponse(converterErrors, 403, "Admin privileges required"),
    404: errorResponse(converterErrors, 404, "No such user"),
  },
});

export const listPendingUsers = createRoute({
  method: "get",
  path: "/api/admin/users/pending",
  tags: ["Operations"],
  summary: "Accounts waiting for approval (admin)",
  responses: {
    200: json(
      z.object({ status: z.literal("success"), users: z.array(z.object({ username: z.string(), email: z.string(), created_at: z.string() })) }),
      "Pending accounts",
    ),
    401: errorResponse(converterErrors, 401, "Authentication required"),
    403: errorResponse(converterErrors, 403, "Admin privileges required"),
  },
});

export const TaskView = z
  .object({
    id: z.string(),
    kind: z.string(),
    face: z.string().nullable(),
    priority: z.number().int(),
    status: z.enum(TASK_STATUSES),
    attempts: z.number().int(),
    max_retries: z.number().int(),
    progress: z.number().int(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("TaskView");

export const listTasks = createRoute({
  method: "get",
  path: "/api/admin/tasks",
  tags: ["Operations"],
  summary: "Tasks by status (admin) — `status=dead` is the dead-letter view",
  request: {
    query: z.object({
      status: z.enum(TASK_STATUSES).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: json(z.object({ status: z.literal("success"), tasks: z.array(TaskView) }), "Tasks"),
    400: errorResponse(converterErrors, 400, "Invalid query"),
    401: errorResponse(converterErrors, 401, "Authentication required"),
    403: errorResponse(converterErrors, 403, "Admin privileges required"),
  },
});

export const retryTask = createRoute({
  method: "post",
  path: "/api/admin/tasks/{id}/retry",
  tags: ["Operations"],
  summary: "Retry a dead task (admin)",
  description:
    "Puts a `dead` task back in the queue as new (attempts 0, its error cleared) and answers its new view; a child " +
    "task is counted by its parent again. 409 for a task in any other status: only a dead task is retried this way " +
    "(a queued or running one is still going, a succeeded one has its output, a cancelled one was stopped on purpose).",
  request: { params: z.object({ id: z.string().max(100).openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: json(z.object({ status: z.literal("success"), task: TaskView }), "The task, queued again"),
    401: errorResponse(converterErrors, 401, "Authentication required"),
    403: errorResponse(converterErrors, 403, "Admin privileges required"),
    404: errorResponse(converterErrors, 404, "No such task"),
    409: errorResponse(converterErrors, 409, "The task is not dead"),
  },
});

export type ApproveUserRoute = typeof approveUser;
export type ListPendingUsersRoute = typeof listPendingUsers;
export type ListTasksRoute = typeof listTasks;
export type RetryTaskRoute = typeof retryTask;
