import { AppError } from "../lib/errors";

/** Who is calling, once a credential has been verified. Set on the request context by the auth middleware. */
export interface AuthContext {
  userId: number;
  username: string;
  role: "user" | "admin";
  via: "jwt" | "api_key";
}

/**
 * The caller of a route the access policy marks `user` or `admin`: the access middleware has already
 * refused anonymous requests there, so a missing caller is a policy-table mistake, answered as 401.
 */
export function requireCaller(auth: AuthContext | undefined): AuthContext {
  if (!auth) throw new AppError(401, "Authentication required");
  return auth;
}
