/**
 * Who may change seed 002's records. The document has no authentication and trusts `user_id`
 * (`SOCIAL_WRITE_ACCESS=public`, the default); with `user`, uploads, removals and metadata changes need a
 * platform credential, and a record can be changed only by the user that created it (or an admin).
 */
import type { AuthContext } from "../../lib/app-context";
import { AppError } from "../../lib/errors";

export interface Actor {
  /** The verified caller, when a credential was sent (in either mode). */
  caller: AuthContext | undefined;
  /** `SOCIAL_WRITE_ACCESS=user`: writes need a caller, and changes need the creator. */
  enforced: boolean;
}

/** The creator to record for a new record; refuses an anonymous write when access is enforced. */
export function creatorFor(actor: Actor): number | null {
  if (actor.enforced && !actor.caller) throw new AppError(401, "Not authenticated", "auth.required");
  return actor.caller?.userId ?? null;
}

/** Refuses an anonymous write when access is enforced (checked before an upload stores anything). */
export function assertMayWrite(actor: Actor): void {
  creatorFor(actor);
}

/** Refuses a change of someone else's record when access is enforced. */
export function assertMayChange(actor: Actor, creatorUserId: number | null): void {
  if (!actor.enforced) return;
  const caller = actor.caller;
  if (!caller) throw new AppError(401, "Not authenticated", "auth.required");
  if (caller.role !== "admin" && caller.userId !== creatorUserId) throw new AppError(403, "Not enough permissions", "auth.not_creator");
}
