/**
 * The `user_id` this page sends to seed 002's likes, comments and views. The document trusts `user_id`;
 * the platform's access token carries the signed-in user's id as its `sub` claim (GET /api/user_info
 * answers only the name), so a signed-in user likes as themself. A visitor gets a random id for this
 * page load only, kept in memory like the token, far above the ids accounts get.
 */
let visitorId: number | undefined;

/** The token's `sub` as a user id (the server checks the token itself whenever it is sent). */
export function subjectOf(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    const sub = typeof json === "object" && json !== null ? (json as { sub?: unknown }).sub : undefined;
    const id = typeof sub === "string" ? Number(sub) : NaN;
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

export function socialUserId(token: string | undefined): number {
  const signedIn = token ? subjectOf(token) : undefined;
  if (signedIn !== undefined) return signedIn;
  visitorId ??= 1_000_000_000_000 + Math.floor(Math.random() * 1_000_000_000_000);
  return visitorId;
}
