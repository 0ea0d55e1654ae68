/**
 * How a task run fails. `retryable` decides between another attempt (with backoff) and the dead state:
 * a crashed transcoder may work next time, a deleted video will not.
 */
export class TaskError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable: boolean) {
    super(message);
    this.name = "TaskError";
    this.code = code;
    this.retryable = retryable;
  }
}

export function toTaskError(err: unknown): TaskError {
  if (err instanceof TaskError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // Unknown failures are retried: they are more often infrastructure than a property of the input.
  return new TaskError("internal", message.slice(0, 2000), true);
}
