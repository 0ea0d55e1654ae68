/**
 * Task kinds register their handlers here, so the engine runs work it does not know about and shared
 * folders never import families (see DESIGN.md, dependency rules).
 */
import type { TaskRow } from "../db/schema";

export interface TaskRunContext {
  env: Env;
  task: TaskRow;
  /** Record progress (0–100) and extend the lease; throttled by the engine. */
  progress(percent: number, stage?: string): Promise<void>;
  /** Aborted when the lease is lost or the run must stop. */
  signal: AbortSignal;
}

/** Returns the task's result (stored as JSON); throws `TaskError` for expected failures. */
export type TaskHandler = (ctx: TaskRunContext) => Promise<unknown>;

const handlers = new Map<string, TaskHandler>();

export function registerTaskKind(kind: string, handler: TaskHandler): void {
  handlers.set(kind, handler);
}

export function getTaskHandler(kind: string): TaskHandler | undefined {
  return handlers.get(kind);
}

export function registeredTaskKinds(): string[] {
  return [...handlers.keys()].sort();
}
