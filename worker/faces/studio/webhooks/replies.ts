/**
 * Replies to the chats whose webhook deliveries queued a `studio.process` task, sent when the task ends.
 * (Filled in by the webhooks work; until then nothing is sent.)
 */
import type { TaskRow } from "../../../db/schema";

export async function onProcessEnded(_env: Env, _task: TaskRow): Promise<void> {}
