/**
 * A credential carried in a WebSocket handshake's `Sec-WebSocket-Protocol`, for browsers (which cannot set
 * headers on a WebSocket) without putting the secret in the URL, where proxies, logs and history keep it.
 * The Kubernetes pattern: the client offers `["media-platform", "bearer.<jwt-or-key>"]`; the server reads
 * the credential from the `bearer.` entry and selects `media-platform` in its 101, never the token (a
 * browser fails a handshake whose offered protocols got no selection, and echoing would leak the secret).
 *
 * Offered protocols must be RFC 7230 tokens: a JWT (base64url and dots) and a platform key (`mpk_` +
 * base64url) are. Imported keys (any printable ASCII, `/`, `=`, `@` included) are not accepted as bearer
 * credentials anywhere, here neither: they keep X-API-Key or `?api_key=`.
 */

export const WS_PROTOCOL = "media-platform";
const BEARER_PREFIX = "bearer.";

export interface OfferedProtocols {
  /** Whether the client offered `media-platform`, the protocol the server must select. */
  offersPlatform: boolean;
  /** The credential of the `bearer.` entry, if one was offered. */
  credential: string | undefined;
}

/** The offered subprotocols of a handshake, as far as authentication cares. */
export function offeredProtocols(headers: Headers): OfferedProtocols {
  const entries = (headers.get("Sec-WebSocket-Protocol") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const bearer = entries.find((p) => p.startsWith(BEARER_PREFIX));
  return { offersPlatform: entries.includes(WS_PROTOCOL), credential: bearer?.slice(BEARER_PREFIX.length) };
}

/**
 * The handshake a channel's Durable Object is handed: none of the caller's headers (a `bearer.` protocol,
 * cookies, `?api_key=` in the URL), only the upgrade and, when the client offered it, `media-platform` as
 * the one protocol its 101 must select.
 */
export function channelHandshake(request: Request): Request {
  const headers = new Headers({ Upgrade: "websocket" });
  if (offeredProtocols(request.headers).offersPlatform) headers.set("Sec-WebSocket-Protocol", WS_PROTOCOL);
  return new Request("https://channel/", { headers });
}
