/** Who is calling, once a credential has been verified. Set on the request context by the auth middleware. */
export interface AuthContext {
  userId: number;
  username: string;
  role: "user" | "admin";
  via: "jwt" | "api_key";
}
