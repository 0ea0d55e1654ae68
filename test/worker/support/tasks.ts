import { getDb } from "../../../worker/db/client";
import { tasks, type TaskRow } from "../../../worker/db/schema";

/**
 * Insert a task row without sending a wake-up message, so no queue consumer runs it: tests that drive
 * claims by hand stay deterministic.
 */
export async function insertTask(env: Env, overrides: Partial<typeof tasks.$inferInsert> = {}): Promise<TaskRow> {
  const now = Date.now();
  const [row] = await getDb(env)
    .insert(tasks)
    .values({
      id: crypto.randomUUID(),
      kind: "test.noop",
      payload: {},
      runAfter: new Date(now),
      createdAt: new Date(now),
      updatedAt: new Date(now),
      ...overrides,
    })
    .returning();
  return row!;
}

export async function clearTasks(env: Env): Promise<void> {
  await getDb(env).delete(tasks);
}
