/**
 * Task kinds register their handlers here, so the engine runs work it does not know about and shared
 * folders never import families (see DESIGN.md, dependency rules).
 */
import type { TaskRow } from "../db/schema";

/** A child to create under the running task. */
export interface ChildSpec {
  /** Unique among the parent's children: a parent that spawns again after a crash creates no duplicates. */
  key: string;
  kind: string;
  payload: unknown;
  priority?: number;
  maxRetries?: number;
  /** Not started before this many seconds from now (pacing calls to a rate-limited source). */
  delaySeconds?: number;
}

/** Returned by a handler (`return ctx.waitForChildren()`) to end the run until its children settle. */
export class WaitForChildren {
  readonly waitForChildren = true;
}

export interface TaskRunContext {
  env: Env;
  task: TaskRow;
  /** Record progress (0–100) and extend the lease; throttled by the engine. */
  progress(percent: number, stage?: string): Promise<void>;
  /** Aborted when the lease is lost or the task was cancelled; the reason is a TaskError. */
  signal: AbortSignal;
  /** Results of steps saved by earlier attempts of this task, by name. */
  steps: Readonly<Record<string, unknown>>;
  /** Keep a step's result on the task row, so a later attempt skips the step. */
  saveStep(name: string, result: unknown): Promise<void>;
  /** Create children of this task (idempotent per key) and wake runners for them; returns the new ids. */
  spawnChildren(children: readonly ChildSpec[]): Promise<string[]>;
  /**
   * End this run without a result: the task waits, and is queued again (run with the counters filled
   * in) once every child has settled.
   */
  waitForChildren(): WaitForChildren;
}

/** Returns the task's result (stored as JSON); throws `TaskError` for expected failures. */
export type TaskHandler = (ctx: TaskRunContext) => Promise<unknown>;

/** What a settled-child hook may touch: the parent's row as counted, not its lease. */
export interface ChildSettledContext {
  env: Env;
  parent: TaskRow;
}

export interface TaskKindDefinition {
  run: TaskHandler;
  /**
   * Runs after a child's settlement is counted into `parent` (at most once per child; the counters on
   * the parent row are exact even when a hook did not run). For faces' own per-child records.
   */
  onChildSettled?(ctx: ChildSettledContext, child: TaskRow): Promise<void>;
  /**
   * Runs after the task ended `succeeded`, `dead` or `cancelled`, by whatever path (the runner, a lapsed
   * lease found by cron, a cancellation), with the row as it ended. Best effort (a failure is logged) and
   * may run again for a task that is reopened and ends again: keep it idempotent, and keep anything that
   * must be exact derivable from the task rows.
   */
  onEnded?(ctx: { env: Env }, task: TaskRow): Promise<void>;
}

const kinds = new Map<string, TaskKindDefinition>();

export function registerTaskKind(kind: string, definition: TaskKindDefinition): void {
  kinds.set(kind, definition);
}

export function getTaskKind(kind: string): TaskKindDefinition | undefined {
  return kinds.get(kind);
}
