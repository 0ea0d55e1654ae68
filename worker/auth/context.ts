import type { AuthContext } from "../lib/app-context";
import { AppError } from "../lib/errors";

export type { AuthContext };

/**
 * The caller of a route the access policy marks `user` or `admin`: the access middleware has already
 * refused anonymous requests there, so a missing caller is a policy-table mistake, answered as 401.
 */
export function requireCaller(auth: AuthContext | undefined): AuthContext {
  if (!auth) throw new AppError(401, "Authentication required");
  return auth;
}
